/**
 * The `partwise` CLI as users run it: spawned as a process (the package's bin) against a
 * local stack, its exit codes, its plain and JSON output, the files it writes, finding the
 * local stack by itself, and its live progress bar in a pseudo-terminal (util-linux `script`).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { bodyOf, sheetOf } from '../helpers/client.js';
import { generateCsv } from '../helpers/csv.js';
import { remoteTarget, useTarget } from '../helpers/stack.js';

const BIN = join(import.meta.dirname, '..', '..', 'shared', 'cli', 'partwise.mjs');
/** A project folder whose `.partwise/` is the stack's data dir, as `npm start` makes it. */
const project = mkdtempSync(join(tmpdir(), 'partwise-cli-'));
const work = join(project, 'work');
mkdirSync(work);
const context = useTarget({ dataDir: join(project, '.partwise') });

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `partwise …` in `work`, with the stack named by PARTWISE_URL / PARTWISE_API_KEY unless `env` says otherwise. */
function partwise(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  return run(process.execPath, [BIN, ...args], {
    PARTWISE_URL: context.target.url,
    PARTWISE_API_KEY: context.target.apiKey,
    ...env,
  });
}

function run(command: string, args: string[], env: Record<string, string | undefined>): Promise<Run> {
  const child = spawn(command, args, {
    cwd: work,
    env: { PATH: process.env.PATH, HOME: project, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const lines = (text: string) => text.split('\n').filter(Boolean);

describe('partwise extract --wait', () => {
  it('uploads, follows the job with a line per change off a terminal, and exits 0 when it completed', async () => {
    const csv = generateCsv(400, 31).text;
    await writeFile(join(work, 'people.csv'), csv);

    const extract = await partwise(['extract', 'people.csv', '--wait', '--config', 'partSizeBytes=4096']);

    expect(extract.stderr).toBe('');
    expect(extract.code).toBe(0);
    const out = lines(extract.stdout);
    expect(out[0]).toMatch(/^uploaded people\.csv as file_\w+$/);
    expect(out).toContainEqual(expect.stringMatching(/^job_\w+ EXECUTING parts \d+\/\d+/));
    const done = out.find((line) => /^job_\w+ COMPLETED: /.test(line));
    expect(done).toMatch(/COMPLETED: (\d+)\/\1 parts, 400 rows in \d+\.\d s$/);
    expect(out).toContain('  Extracted 400 records (0 invalid) from CSV into 1 sheet.');

    // The sheet it names reads back as the file was: every row, in order.
    const sheet = /partwise records (sh_\w+)/.exec(extract.stdout)?.[1] ?? '';
    const records = await partwise(['records', sheet]);
    const read = lines(records.stdout).map((line) => JSON.parse(line) as { values: Record<string, string> });
    expect(records.code).toBe(0);
    expect(read).toHaveLength(400);
    expect(read.map((r) => r.values.id)).toEqual(Array.from({ length: 400 }, (_, i) => String(i)));
  });

  it('prints the job as JSON with --json, and nothing else on stdout', async () => {
    await writeFile(join(work, 'small.csv'), 'name,age\nAda,36\nGrace,85\n');

    const extract = await partwise(['--json', 'extract', 'small.csv', '--wait']);

    expect(extract.code).toBe(0);
    const job = JSON.parse(extract.stdout) as Record<string, unknown>;
    expect(job).toMatchObject({ status: 'COMPLETED', operation: 'extract', rowsProcessed: 2, processed: 1 });
  });

  it('exits 1 with the reason when the job fails', async () => {
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.alloc(64),
    ]);
    await writeFile(join(work, 'photo.csv'), png);

    const extract = await partwise(['extract', 'photo.csv', '--wait']);

    expect(extract.code).toBe(1);
    expect(extract.stdout).toMatch(/job_\w+ FAILED: /);
    expect(extract.stdout).toMatch(/PNG/);
  });
});

describe('reading and exporting', () => {
  it('writes records as CSV, the invalid ones with their messages, and an export to a file or stdout', async () => {
    // A sheet with a typed field, so that a record can be invalid.
    const created = await context.client.api.POST('/workbooks', {
      body: {
        name: 'typed',
        sheets: [
          {
            name: 'people',
            fields: [
              { key: 'name', type: 'string' },
              { key: 'age', type: 'number' },
            ],
          },
        ],
      },
    });
    const sheetId = sheetOf(bodyOf(created, 201).data).id;
    await writeFile(join(work, 'ages.csv'), 'name,age\nAda,36\n"Grace, Rear Admiral",eighty\n');
    const extract = await partwise(['extract', 'ages.csv', '--into', sheetId, '--wait']);
    expect(extract.code).toBe(0);

    const all = await partwise(['records', sheetId, '--format', 'csv']);
    const invalid = await partwise(['records', sheetId, '--format', 'csv', '--invalid']);
    const exported = await partwise(['export', sheetId, '-o', '-']);
    const xlsx = await partwise(['export', sheetId, '--format', 'xlsx', '-o', 'ages.xlsx']);

    expect(all.stdout).toBe('name,age\nAda,36\n"Grace, Rear Admiral",eighty\n');
    expect(invalid.stdout).toBe(
      'name,age,messages\n"Grace, Rear Admiral",eighty,"age: ""eighty"" is not a number"\n',
    );
    // The file alone on stdout; what people read went to stderr.
    expect(exported.code).toBe(0);
    expect(exported.stdout).toBe('name,age\r\nAda,36\r\n"Grace, Rear Admiral",eighty\r\n');
    expect(exported.stderr).toMatch(/job_\w+ COMPLETED parts 1\/1/);
    expect(xlsx.code).toBe(0);
    expect(xlsx.stdout).toMatch(/COMPLETED: wrote ages\.xlsx/);
    expect((await readFile(join(work, 'ages.xlsx'))).subarray(0, 2).toString()).toBe('PK');
  });
});

describe('jobs and events', () => {
  it('lists, executes and follows a manual job, and tails its events to its end', async () => {
    const file = await context.client.uploadFile('manual.csv', 'a,b\n1,2\n');
    const created = await context.client.api.POST('/jobs', {
      body: { type: 'file', operation: 'extract', source: file.id, trigger: 'manual' },
    });
    const { id } = bodyOf(created, 201).data;
    await context.client.pollJob(id, (job) => job.status === 'READY');

    const listed = await partwise(['jobs', 'ls', '--status', 'ready']);
    const tail = partwise(['events', 'tail', '--job', id]);
    const executed = await partwise(['jobs', 'execute', id, '--wait']);
    const tailed = await tail;

    expect(listed.stdout).toMatch(new RegExp(`^${id} +extract +READY`, 'm'));
    expect(executed.code).toBe(0);
    expect(executed.stdout).toMatch(new RegExp(`${id} COMPLETED: 1/1 parts, 1 rows`));
    expect(tailed.code).toBe(0);
    const topics = lines(tailed.stdout).map((line) => line.split(/\s+/)[1]);
    expect(topics[0]).toBe('job:waiting');
    expect(topics.at(-1)).toBe('job:completed');
    expect(topics).toContain('job:started');
  });
});

describe('usage and configuration', () => {
  it('exits 2 with one line saying what to do for a command used wrongly', async () => {
    for (const args of [
      ['extract'],
      ['frobnicate'],
      ['jobs', 'ls', '--status', 'sleeping'],
      ['map', 'people.csv', '--into', 'x'],
    ]) {
      const used = await partwise(args);
      expect(used.code, args.join(' ')).toBe(2);
      expect(lines(used.stderr), args.join(' ')).toHaveLength(1);
      expect(used.stderr).toMatch(/^partwise: /);
    }
  });

  it('exits 1 with the problem when the server refuses, and when it cannot be reached', async () => {
    const missing = await partwise(['jobs', 'get', 'job_00000000000000000000000000']);
    const badKey = await partwise(['jobs', 'ls'], { PARTWISE_API_KEY: 'pw_not_a_key_of_this_stack' });
    const down = await partwise(['jobs', 'ls'], { PARTWISE_URL: 'http://127.0.0.1:9' });

    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toMatch(/^partwise: 404 job-not-found: .+\n$/);
    expect(badKey.code).toBe(1);
    expect(badKey.stderr).toMatch(/^partwise: 401.*Check PARTWISE_API_KEY/);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(
      /^partwise: Cannot reach http:\/\/127\.0\.0\.1:9 .*start the local stack with npm start/,
    );
  });

  it.skipIf(remoteTarget !== undefined)(
    'finds the local stack by itself from a folder of its project',
    async () => {
      const found = await partwise(['jobs', 'ls', '--limit', '1'], {
        PARTWISE_URL: undefined,
        PARTWISE_API_KEY: undefined,
      });
      expect(found.code).toBe(0);
      expect(found.stdout).toMatch(/^job_\w+ /);
    },
  );
});

describe.runIf(!remoteTarget)('partwise keys, on the local stack', () => {
  /** The admin commands with nothing configured: the local stack's URL and admin key, from its stack.json. */
  const admin = (args: string[]) =>
    partwise(['keys', ...args], { PARTWISE_URL: undefined, PARTWISE_API_KEY: undefined });

  it('creates a key (the key alone on stdout), lists it by prefix, rotates it and revokes it', async () => {
    const created = await admin(['create', '--env', 'env_cli_keys', '--name', 'ci', '--rate-limit', '100']);
    expect(created.code).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^pw_live_[0-9a-z]{16}_[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).toMatch(/created key_\w{16} +pw_live_\w{16}… +active +env_cli_keys +ci/);
    expect(created.stderr).toContain('shown this once');
    const id = `key_${key.slice('pw_live_'.length, 'pw_live_'.length + 16)}`;

    // The key works, in its own environment.
    expect((await partwise(['jobs', 'ls'], { PARTWISE_API_KEY: key })).code).toBe(0);

    const listed = await admin(['ls', '--env', 'env_cli_keys']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(`${id}  pw_live_`);
    expect(listed.stdout).not.toContain(key);

    const rotated = await admin(['rotate', id, '--overlap', '0']);
    expect(rotated.code).toBe(0);
    const successor = rotated.stdout.trim();
    expect(successor).toMatch(/^pw_live_/);
    expect(successor).not.toBe(key);
    expect(rotated.stderr).toContain(`${id} works until`);
    expect((await partwise(['jobs', 'ls'], { PARTWISE_API_KEY: successor })).code).toBe(0);

    const json = await partwise(['--json', 'keys', 'get', id], {
      PARTWISE_URL: undefined,
      PARTWISE_API_KEY: undefined,
    });
    expect(JSON.parse(json.stdout)).toMatchObject({
      id,
      status: 'expired',
      replacedBy: expect.stringMatching(/^key_/),
    });

    const revoked = await admin(['revoke', `key_${successor.slice(8, 24)}`]);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toMatch(/^revoked key_\w+ .* revoked /);
  });

  it('says what is wrong: an unknown key, a bad environment, the admin key of nothing', async () => {
    const unknown = await admin(['revoke', 'key_0000000000000000']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no API key key_0000000000000000/);
    const badEnv = await admin(['create', '--env', 'production', '--name', 'x']);
    expect(badEnv.code).toBe(1);
    expect(badEnv.stderr).toMatch(/environmentId/);
    const wrongKey = await partwise(['keys', 'ls', '--env', 'env_x'], {
      PARTWISE_ADMIN_KEY: 'not-the-admin-key',
    });
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stderr).toMatch(/admin key/);
  });
});

describe('on a terminal', () => {
  it('draws a live progress bar of parts, rows, rows per second and ETA, and ends on the job', async () => {
    await writeFile(join(work, 'bar.csv'), generateCsv(3000, 32).text);
    const command = [
      process.execPath,
      BIN,
      'extract',
      'bar.csv',
      '--wait',
      '--config',
      'partSizeBytes=8192',
    ].join(' ');

    // `script` runs the command in a pseudo-terminal (80 columns) and copies what it draws to stdout.
    const tty = await run('script', ['-q', '-e', '-c', `stty cols 80 rows 24; ${command}`, '/dev/null'], {
      PARTWISE_URL: context.target.url,
      PARTWISE_API_KEY: context.target.apiKey,
      TERM: 'xterm-256color',
    });

    expect(tty.code).toBe(0);
    expect(tty.stdout).toContain('\x1b[?25l'); // the cursor hidden while the bar draws…
    expect(tty.stdout).toContain('\x1b[?25h'); // …and shown again
    const frames = tty.stdout
      .replaceAll('\x1b[1G', '\r') // the bar goes back to column 1 for each frame
      .split('\r')
      .map((frame) => stripVTControlCharacters(frame).replace(/^[78]/, '').trim())
      .filter((frame) => / parts \| /.test(frame));
    expect(frames.length).toBeGreaterThan(1);
    // 80 columns: a bar of 10, then the text. The first frame comes while the job runs: its
    // parts may have started finishing by then (they are relayed right after each commit).
    expect(frames[0]).toMatch(
      /^[█░]{10} (\d+)\/\d+ parts \| ([\d,]+|\?) rows \| (–|[\d,]+) rows\/s \| ETA (–|\d+s) \| (PLANNING|EXECUTING)$/,
    );
    expect(frames.at(-1)).toMatch(
      /^█{10} (\d+)\/\1 parts \| 3,000 rows \| [\d,]+ rows\/s \| ETA 0s \| COMPLETED$/,
    );
    expect(tty.stdout).toMatch(/✔ job_\w+ COMPLETED: (\d+)\/\1 parts, 3,000 rows/);
  });
});
