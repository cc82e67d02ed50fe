import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** `npm start` as a developer (and the e2e suite) runs it: a child process on a free port. */
function startMain(dataDir: string) {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'infra/local/main.ts'], {
    cwd: join(import.meta.dirname, '..', '..'),
    env: {
      ...process.env,
      PORT: '0',
      PARTWISE_DATA_DIR: dataDir,
      PARTWISE_LOCAL_WORKERS: '1',
      PARTWISE_API_KEY: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<{ url: string; apiKey: string }>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /PARTWISE_READY (\{.*\})/.exec(output);
      if (match?.[1]) resolve(JSON.parse(match[1]));
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    void exited.then((code) => reject(new Error(`exited with ${code}:\n${output}`)));
  });
  return { child, ready, exited, output: () => output };
}

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'partwise-main-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('npm start (infra/local/main.ts)', () => {
  it('prints a ready line, serves the API with its key, stops on SIGTERM and keeps its key for the next start', async () => {
    // Prepare
    const first = startMain(dataDir);
    const { url, apiKey } = await first.ready;

    // Act
    const health = await fetch(`${url}/health`);
    const anonymous = await fetch(`${url}/jobs`);
    const listed = await fetch(`${url}/jobs`, { headers: { authorization: `Bearer ${apiKey}` } });
    first.child.kill('SIGTERM');
    const exitCode = await first.exited;
    const second = startMain(dataDir);
    const restarted = await second.ready;
    const again = await fetch(`${restarted.url}/jobs`, { headers: { authorization: `Bearer ${apiKey}` } });
    second.child.kill('SIGKILL');
    await second.exited;

    // Assess
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(first.output()).toContain(`curl -H "Authorization: Bearer ${apiKey}" ${url}/jobs`);
    expect(health.status).toBe(200);
    expect(anonymous.status).toBe(401);
    expect(listed.status).toBe(200);
    expect(exitCode).toBe(0);
    expect((await readFile(join(dataDir, 'api-key'), 'utf8')).trim()).toBe(apiKey);
    expect(restarted.apiKey).toBe(apiKey);
    expect(again.status).toBe(200);
  }, 60_000);
});
