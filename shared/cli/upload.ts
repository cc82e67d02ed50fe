/**
 * `partwise upload`: a file from disk, small ones in the request itself, larger ones
 * streamed from disk to the presigned `uploadUrl` (never read whole into memory), with the
 * bytes sent reported as they go.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { basename } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type DataFile, dataOf, PartwiseApiError, type PartwiseClient } from '../client/index.js';
import { DIRECT_UPLOAD_LIMIT } from '../domain/resources.js';
import { UsageError } from './output.js';

export async function uploadPath(
  client: PartwiseClient,
  path: string,
  onBytes: (sent: number, total: number) => void = () => {},
): Promise<DataFile> {
  const size = await stat(path).then(
    (s) => {
      if (!s.isFile()) throw new UsageError(`${path} is not a file.`);
      return s.size;
    },
    (error: NodeJS.ErrnoException) => {
      throw new UsageError(
        error.code === 'ENOENT' ? `No file ${path}: give the path of a file to upload.` : error.message,
      );
    },
  );
  const name = basename(path);
  if (size <= DIRECT_UPLOAD_LIMIT) {
    const file = await client.uploadFile(name, await readFile(path));
    onBytes(size, size);
    return file;
  }
  const { id, uploadUrl, uploadHeaders } = dataOf(
    await client.api.POST('/files', { body: { name, size } }),
    'POST /files',
  );
  await putStream(uploadUrl, uploadHeaders, path, size, onBytes);
  return dataOf(await client.api.GET('/files/{id}', { params: { path: { id } } }), `GET /files/${id}`);
}

/** PUT with a Content-Length (S3 refuses chunked uploads), the body streamed from disk. */
async function putStream(
  url: string,
  headers: Record<string, string>,
  path: string,
  size: number,
  onBytes: (sent: number, total: number) => void,
): Promise<void> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  let sent = 0;
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      sent += chunk.length;
      onBytes(sent, size);
      done(null, chunk);
    },
  });
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = send(
      target,
      { method: 'PUT', headers: { ...headers, 'content-length': String(size) } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    pipeline(createReadStream(path), counted, req).catch(reject);
  });
  const { status, body } = await answer;
  if (status < 200 || status >= 300) {
    const reason = /<Message>([^<]*)<\/Message>/.exec(body)?.[1] ?? body.slice(0, 200);
    throw new PartwiseApiError(
      status,
      { detail: `the storage refused the upload: ${reason}` },
      `PUT ${path}`,
    );
  }
}
