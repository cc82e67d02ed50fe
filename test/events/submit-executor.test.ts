/**
 * The example executor (examples/submit-executor.ts) as a new user runs it before the
 * server is up: it must say so once, plainly, keep trying, and say when it got through.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.js';

let executor: ChildProcess | undefined;
let server: Server | undefined;
afterEach(async () => {
  executor?.kill('SIGKILL');
  if (server) {
    server.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  }
});

/** A port nothing listens on (yet). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('the example executor', () => {
  it('says once that it cannot reach the server, with the URL and what to check, and connects once it is up', async () => {
    // Prepare
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    let stderr = '';
    let stdout = '';
    executor = spawn(process.execPath, ['--import', 'tsx', 'examples/submit-executor.ts'], {
      cwd: join(import.meta.dirname, '..', '..'),
      env: { ...process.env, PARTWISE_URL: url, PARTWISE_API_KEY: 'pw_example' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    executor.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    executor.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });

    // Act + Assess: the server is not there
    await waitFor(
      'the executor to say it cannot connect',
      async () => stderr,
      (text) => /cannot reach/.test(text),
      {
        timeoutMs: 20_000,
        intervalMs: 50,
      },
    );
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`cannot reach partwise at ${url}/events/stream (ECONNREFUSED)`);
    expect(lines[0]).toMatch(/npm start.*PARTWISE_URL.*retrying/);

    // Act + Assess: the server comes up; the executor gets through without being restarted
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': connected\n\n');
    });
    await new Promise<void>((resolve) => server?.listen(port, '127.0.0.1', resolve));
    await waitFor(
      'the executor to connect',
      async () => stdout,
      (text) => /reached .* again/.test(text),
      {
        timeoutMs: 20_000,
        intervalMs: 50,
      },
    );
    expect(executor.exitCode).toBeNull();
    expect(stderr.match(/cannot reach/g)).toHaveLength(1);
  }, 60_000);
});
