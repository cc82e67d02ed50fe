import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, remoteTarget, removeDataDir, startLocalStack } from '../helpers/stack.js';

const run = promisify(execFile);
let stack: LocalStack | undefined;
let workDir: string;

beforeAll(async () => {
  if (remoteTarget) return;
  stack = await startLocalStack();
  workDir = await mkdtemp(join(tmpdir(), 'partwise-readme-'));
  // The walkthrough reads the key where `npm start` keeps it.
  await mkdir(join(workDir, '.partwise'));
  await writeFile(join(workDir, '.partwise', 'api-key'), stack.apiKey);
});
afterAll(async () => {
  await stack?.stop();
  if (stack) await removeDataDir(stack.dataDir);
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe.runIf(!remoteTarget)('the README walkthrough', () => {
  it('works as written, against a local stack (only the port differs)', async () => {
    const readme = await readFile(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Walkthrough'));
    const script = /```bash\n([\s\S]*?)```/.exec(section)?.[1];
    expect(script).toContain('API=http://localhost:3000');
    const local = (script ?? '').replace('API=http://localhost:3000', `API=${stack?.url}`);

    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', local], {
      cwd: workDir,
      timeout: 60_000,
    });

    expect(stdout).toContain('"status":"COMPLETED"');
    expect(stdout).toContain('"note":"likes commas, and \\"quotes\\""');
    expect(stdout).toContain('"note":"two\\nlines"');
    for (const topic of ['job:waiting', 'job:started', 'job:updated', 'job:completed'])
      expect(stdout).toContain(topic);
  }, 90_000);

  it('works as written with the CLI, which finds the local stack by itself', async () => {
    // After the curl walkthrough, in the same folder (its people.csv), as a reader goes on.
    const readme = await readFile(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Walkthrough (CLI)'));
    const script = /```bash\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    expect(script).toContain('npx partwise extract people.csv --wait');
    // `npx partwise` is this package's bin; the stack file is where `npm start` writes it.
    const bin = join(import.meta.dirname, '..', '..', 'shared', 'cli', 'partwise.mjs');
    await writeFile(
      join(workDir, '.partwise', 'stack.json'),
      JSON.stringify({ url: stack?.url, apiKey: stack?.apiKey, pid: process.pid }),
    );

    const { stdout } = await run(
      'bash',
      ['-euo', 'pipefail', '-c', script.replaceAll('npx partwise', `node ${bin}`)],
      {
        cwd: workDir,
        timeout: 60_000,
        env: { PATH: process.env.PATH, HOME: workDir },
      },
    );

    expect(stdout).toMatch(/^job_\w+ COMPLETED: 1\/1 parts, 2 rows in /m);
    expect(stdout).toContain(
      'name,email,note\nAda,ada@example.com,"likes commas, and ""quotes"""\nGrace,grace@example.com,"two\nlines"\n',
    );
    expect(stdout).toMatch(/job:waiting[\s\S]*job:started[\s\S]*job:completed/);
    expect(stdout).toMatch(/COMPLETED: wrote people\.xlsx/);
    expect((await readFile(join(workDir, 'people.xlsx'))).subarray(0, 2).toString()).toBe('PK');
  }, 90_000);
});
