/**
 * The page's push channel on the local stack, `/ws?token=` (infra/local/push-socket.ts):
 * what the deployed stack's WebSocket API speaks, one job event a text frame, for the
 * token's environment or its one job, closed when the token expires.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TOKEN_SECRET_FILE } from '../../infra/local/secrets-extension.js';
import { signToken } from '../../shared/access/token.js';
import type { JobEvent } from '../../shared/domain/events.js';
import { bodyOf } from '../helpers/client.js';
import { remoteTarget, useTarget } from '../helpers/stack.js';
import { waitFor } from '../helpers/wait.js';

const OTHER_KEY = 'pw_push-other-environment-key';
const context = useTarget({
  env: { PARTWISE_LOCAL_API_KEYS: JSON.stringify({ [OTHER_KEY]: 'env_push_other' }) },
});

interface Opened {
  events: JobEvent[];
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

/** Opens the socket; rejects with the HTTP status when the upgrade is refused. */
function openSocket(query: string): Promise<Opened> {
  const ws = new WebSocket(`${context.target.url.replace(/^http/, 'ws')}/ws${query}`);
  const events: JobEvent[] = [];
  ws.on('message', (data) => events.push(JSON.parse(String(data)) as JobEvent));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ events, closed, close: () => ws.close() }));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

async function mint(apiKey: string, body: { scope: 'read' | 'run' | 'watch'; jobId?: string }) {
  const answer = await fetch(`${context.target.url}/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(answer.status).toBe(200);
  return ((await answer.json()) as { data: { token: string } }).data.token;
}

async function runJob(name: string): Promise<string> {
  const file = await context.client.uploadFile(name, 'name\nAda\nGrace\n');
  const created = await context.client.api.POST('/jobs', {
    body: { type: 'file', operation: 'extract', source: file.id, trigger: 'immediate' },
  });
  return bodyOf(created, 201).data.id;
}

describe.runIf(!remoteTarget)('the push socket', () => {
  it("pushes every event of the token's environment as it is published, one JSON event a frame", async () => {
    const socket = await openSocket(`?token=${await mint(context.target.apiKey, { scope: 'read' })}`);
    const other = await openSocket(`?token=${await mint(OTHER_KEY, { scope: 'read' })}`);

    const jobId = await runJob('pushed.csv');
    await waitFor(
      'job:completed pushed',
      async () => socket.events,
      (events) => events.some((e) => e.jobId === jobId && e.topic === 'job:completed'),
    );

    const topics = socket.events.filter((e) => e.jobId === jobId).map((e) => e.topic);
    expect(topics[0]).toBe('job:waiting');
    expect(topics).toContain('job:started');
    expect(topics.at(-1)).toBe('job:completed');
    expect(socket.events.every((e) => e.environmentId === 'env_dev')).toBe(true);
    expect(other.events.filter((e) => e.jobId === jobId)).toEqual([]);
    socket.close();
    other.close();
  });

  it("holds a watch token's socket to its job", async () => {
    // A manual job to watch, so that its events come after the socket opened.
    const file = await context.client.uploadFile('watched.csv', 'name\nAda\n');
    const created = await context.client.api.POST('/jobs', {
      body: { type: 'file', operation: 'extract', source: file.id, trigger: 'manual' },
    });
    const watched = bodyOf(created, 201).data.id;
    await context.client.pollJob(watched, (job) => job.status === 'READY');
    const socket = await openSocket(
      `?token=${await mint(context.target.apiKey, { scope: 'watch', jobId: watched })}`,
    );

    const unwatched = await runJob('unwatched.csv');
    await context.client.pollJob(unwatched, (job) => job.status === 'COMPLETED');
    await context.client.api.POST('/jobs/{id}/execute', { params: { path: { id: watched } } });
    await waitFor(
      'the watched job completed, pushed',
      async () => socket.events,
      (events) => events.some((e) => e.topic === 'job:completed'),
    );

    expect(socket.events.map((e) => e.jobId)).toEqual(socket.events.map(() => watched));
    expect(socket.events.map((e) => e.topic)).toContain('job:started');
    socket.close();
  });

  it('opens only with a valid browser token: not without one, not with the API key, not with a forged one', async () => {
    await expect(openSocket('')).rejects.toThrow('refused 401');
    await expect(openSocket(`?token=${context.target.apiKey}`)).rejects.toThrow('refused 401');
    const real = await mint(context.target.apiKey, { scope: 'read' });
    await expect(openSocket(`?token=${real.slice(0, -4)}AAAA`)).rejects.toThrow('refused 401');
  });

  it('closes when its token expires, for the page to reconnect with a new one', async () => {
    const dataDir = context.local?.dataDir ?? '';
    const secret = new TextEncoder().encode(
      (await readFile(join(dataDir, TOKEN_SECRET_FILE), 'utf8')).trim(),
    );
    // Signed 58 s ago for 60 s: it expires in 2 s.
    const { token } = await signToken(
      secret,
      { environmentId: 'env_dev', scope: 'read', ttlSeconds: 60 },
      new Date(Date.now() - 58_000),
    );
    const socket = await openSocket(`?token=${token}`);

    const closed = await socket.closed;

    expect(closed).toEqual({ code: 4001, reason: 'token expired' });
  });
});
