import { readdir, readFile, readlink } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { type LocalStack, remoteTarget, removeDataDir, startLocalStack } from '../helpers/stack.js';

/**
 * What the local stack owes the machine it runs on: nothing of it answers another machine,
 * and what it hands out (an upload URL) outlives a restart, as it would on AWS.
 */

const stacks: LocalStack[] = [];
afterAll(async () => {
  for (const stack of stacks) await stack.stop();
  if (stacks[0]) await removeDataDir(stacks[0].dataDir);
});

async function started(options: Parameters<typeof startLocalStack>[0] = {}): Promise<LocalStack> {
  const stack = await startLocalStack(options);
  stacks.push(stack);
  return stack;
}

function api(stack: LocalStack, path: string, init: RequestInit = {}) {
  return fetch(`${stack.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json', ...init.headers },
  });
}

/** `0100007F:0BB8` (little-endian IPv4) or 32 hex digits (IPv6) and a port, as /proc/net/tcp* write them. */
function addressOf(hex: string): string {
  const [ip = '', port = ''] = hex.split(':');
  const bytes = (ip.match(/../g) ?? []).map((b) => Number.parseInt(b, 16));
  // Each 32-bit word is little-endian.
  const words = Array.from({ length: bytes.length / 4 }, (_, i) =>
    bytes.slice(i * 4, i * 4 + 4).reverse(),
  ).flat();
  const text =
    words.length === 4
      ? words.join('.')
      : (
          words
            .map((b) => b.toString(16).padStart(2, '0'))
            .join('')
            .match(/.{4}/g) ?? []
        ).join(':');
  return `${text}:${Number.parseInt(port, 16)}`;
}

/** Every TCP socket process `pid` listens on, read from /proc (Linux). */
async function listeningSockets(pid: number): Promise<string[]> {
  const inodes = new Set<string>();
  for (const fd of await readdir(`/proc/${pid}/fd`)) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode) inodes.add(inode);
  }
  const sockets: string[] = [];
  for (const table of ['tcp', 'tcp6']) {
    const lines = (await readFile(`/proc/${pid}/net/${table}`, 'utf8')).trim().split('\n').slice(1);
    for (const line of lines) {
      const fields = line.trim().split(/\s+/);
      // st 0A is LISTEN; field 9 is the socket's inode.
      if (fields[3] === '0A' && inodes.has(fields[9] ?? '')) sockets.push(addressOf(fields[1] ?? ''));
    }
  }
  return sockets;
}

describe.runIf(!remoteTarget)('the local stack', () => {
  it('keeps an upload URL working across a restart on the same data directory', async () => {
    // Prepare: a file registered, its upload URL taken, the stack stopped.
    const first = await started();
    const created = await api(first, '/files', {
      method: 'POST',
      body: JSON.stringify({ name: 'late.csv' }),
    });
    expect(created.status).toBe(201);
    const { data: file } = (await created.json()) as {
      data: { id: string; uploadUrl: string; uploadHeaders: Record<string, string> };
    };
    await first.stop();

    // Act: the stack starts again; the upload arrives only now.
    const second = await started({ dataDir: first.dataDir, apiKey: first.apiKey });
    const put = await fetch(file.uploadUrl, {
      method: 'PUT',
      headers: file.uploadHeaders,
      body: 'a,b\n1,2\n',
    });

    // Assess
    expect(put.status).toBe(200);
    const after = await api(second, `/files/${file.id}`);
    expect(((await after.json()) as { data: { status: string; size: number } }).data).toMatchObject({
      status: 'available',
      size: 8,
    });
  }, 180_000);

  it.runIf(process.platform === 'linux')(
    'listens on the loopback interface only',
    async () => {
      const stack = stacks.at(-1) ?? (await started());
      const sockets = await listeningSockets(stack.process.pid as number);
      // The gateway (API, push socket, page), DynamoDB, S3, SQS, EventBridge, the secrets extension.
      expect(sockets.length).toBeGreaterThanOrEqual(6);
      for (const socket of sockets)
        expect(socket, socket).toMatch(/^(127\.\d+\.\d+\.\d+|0000:0000:0000:0000:0000:0000:0000:0001):\d+$/);
      expect(sockets).toContain(`127.0.0.1:${new URL(stack.url).port}`);
    },
    120_000,
  );
});
