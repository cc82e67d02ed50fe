/**
 * Uploading a file from the page: registered with `POST /files`, then sent straight to
 * storage by its presigned URL with the headers it signed, through XMLHttpRequest (fetch
 * reports no upload progress), reporting the share sent.
 */
import { type Api, dataOf } from './api.js';

export async function uploadFile(
  api: Api,
  file: File,
  onProgress: (sent: number, total: number) => void,
): Promise<string> {
  const created = dataOf(
    await api.POST('/files', {
      body: { name: file.name, size: file.size, ...(file.type ? { mediaType: file.type } : {}) },
    }),
  );
  await new Promise<void>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', created.uploadUrl);
    // The browser sets Content-Length itself, from the file.
    for (const [name, value] of Object.entries(created.uploadHeaders)) {
      if (name.toLowerCase() !== 'content-length') xhr.setRequestHeader(name, value);
    }
    xhr.upload.onprogress = (event) => onProgress(event.loaded, event.total || file.size);
    xhr.onload = () =>
      xhr.status >= 200 && xhr.status < 300
        ? resolve()
        : reject(new Error(`The storage refused the upload (${xhr.status}).`));
    xhr.onerror = () => reject(new Error('The upload could not reach the storage.'));
    xhr.send(file);
  });
  onProgress(file.size, file.size);
  const read = dataOf(await api.GET('/files/{id}', { params: { path: { id: created.id } } }));
  if (read.status !== 'available') throw new Error(`${file.name} was sent but is not available yet.`);
  return read.id;
}
