import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfigPairs, resourceTypeOf } from '../../../shared/cli/jobs.js';
import { writeStackFile } from '../../../shared/cli/local-stack.js';
import { describeError, UsageError } from '../../../shared/cli/output.js';
import { resolveTarget } from '../../../shared/cli/target.js';
import { PartwiseApiError } from '../../../shared/client/index.js';
import { formatSeconds, Pace } from '../../../shared/client/pace.js';

describe('--config key=value', () => {
  it('takes JSON values as JSON, anything else as text, and nests dotted keys', () => {
    expect(
      parseConfigPairs([
        'partSizeBytes=1048576',
        'delimiter=;',
        'escapeFormulas=false',
        'tolerance.maxFailedParts=2',
        'tolerance.maxFailedPercent=5',
        'mappings=[{"sourceSheet":"people"}]',
        'note=a=b',
      ]),
    ).toEqual({
      partSizeBytes: 1048576,
      delimiter: ';',
      escapeFormulas: false,
      tolerance: { maxFailedParts: 2, maxFailedPercent: 5 },
      mappings: [{ sourceSheet: 'people' }],
      note: 'a=b',
    });
  });

  it('refuses what is not key=value, as a usage error', () => {
    for (const bad of ['novalue', '=1', 'a..b=1']) {
      expect(() => parseConfigPairs([bad])).toThrow(UsageError);
    }
    expect(() => parseConfigPairs(['a=1', 'a.b=2'])).toThrow(/a is already a value/);
  });
});

describe('resource ids', () => {
  it('tells files, workbooks and sheets apart by their prefix', () => {
    expect(resourceTypeOf('file_01m8pegc9rx1fye3qrabme7mtj', 'source')).toBe('file');
    expect(resourceTypeOf('wb_01m8pegc9rx1fye3qrabme7mtj', 'source')).toBe('workbook');
    expect(resourceTypeOf('sh_0f0b1b60e9978c334ff897fe6c', 'source')).toBe('sheet');
    expect(() => resourceTypeOf('people.csv', 'source')).toThrow(/no file \(file_…\), workbook/);
  });
});

describe('the pace of a job', () => {
  it('counts rows per second and the ETA from when the job executes, not from planning', () => {
    let now = 0;
    const pace = new Pace(() => now);
    pace.observe({ status: 'PLANNING', parts: 0, processed: 0, rowsProcessed: 0 });
    now = 5_000; // five seconds of planning: no part of the pace
    pace.observe({ status: 'EXECUTING', parts: 10, processed: 0, rowsProcessed: 0 });
    expect(pace.rowsPerSecond()).toBeUndefined();
    expect(pace.etaSeconds()).toBeUndefined();

    now = 7_000;
    pace.observe({ status: 'EXECUTING', parts: 10, processed: 4, rowsProcessed: 40_000 });

    expect(pace.rowsPerSecond()).toBe(20_000);
    expect(pace.etaSeconds()).toBe(3); // 0.5 s a part, 6 to go
  });

  it('knows no rows per second for a job that does not count rows', () => {
    let now = 0;
    const pace = new Pace(() => now);
    pace.observe({ status: 'EXECUTING', parts: 4, processed: 0 });
    now = 1_000;
    pace.observe({ status: 'EXECUTING', parts: 4, processed: 2 });
    expect(pace.rowsPerSecond()).toBeUndefined();
    expect(pace.etaSeconds()).toBe(1);
  });

  it('writes durations as a terminal has room for', () => {
    expect([0, 59, 75, 3600, 3725].map(formatSeconds)).toEqual(['0s', '59s', '1m15s', '1h00m', '1h02m']);
  });
});

describe('where the server is', () => {
  const scratch = () => mkdtemp(join(tmpdir(), 'partwise-cli-'));

  it('takes PARTWISE_URL and PARTWISE_API_KEY first, and refuses one without the other', async () => {
    const cwd = await scratch();
    await expect(
      resolveTarget({ env: { PARTWISE_URL: 'https://api.example.com/', PARTWISE_API_KEY: 'k' }, cwd }),
    ).resolves.toEqual({ url: 'https://api.example.com', apiKey: 'k', from: 'PARTWISE_URL' });
    await expect(resolveTarget({ env: { PARTWISE_URL: 'https://api.example.com' }, cwd })).rejects.toThrow(
      /PARTWISE_URL is set but PARTWISE_API_KEY is not/,
    );
  });

  it('reads the config file next, and says what a broken one must hold', async () => {
    const home = await scratch();
    await mkdir(join(home, '.config', 'partwise'), { recursive: true });
    const file = join(home, '.config', 'partwise', 'config.json');
    await writeFile(file, JSON.stringify({ url: 'https://partwise.example.com', apiKey: 'from-file' }));

    await expect(resolveTarget({ env: { HOME: home }, cwd: home })).resolves.toEqual({
      url: 'https://partwise.example.com',
      apiKey: 'from-file',
      from: file,
    });
    await writeFile(file, JSON.stringify({ url: 'not a url', apiKey: 'k' }));
    await expect(resolveTarget({ env: { HOME: home }, cwd: home })).rejects.toThrow(/must hold \{"url"/);
    await expect(
      resolveTarget({ env: { HOME: home, PARTWISE_CONFIG: join(home, 'missing.json') }, cwd: home }),
    ).rejects.toThrow(/Cannot read the config file/);
  });

  it('finds a running local stack from a folder below it, and refuses a stack file whose process is gone', async () => {
    const project = await scratch();
    const below = join(project, 'data', 'in');
    await mkdir(join(project, '.partwise'), { recursive: true });
    await mkdir(below, { recursive: true });
    const env = { HOME: project };
    await writeStackFile(join(project, '.partwise'), {
      url: 'http://127.0.0.1:3000',
      apiKey: 'local',
      pid: process.pid,
    });

    await expect(resolveTarget({ env, cwd: below })).resolves.toMatchObject({
      url: 'http://127.0.0.1:3000',
      apiKey: 'local',
    });

    await writeStackFile(join(project, '.partwise'), {
      url: 'http://127.0.0.1:3000',
      apiKey: 'local',
      pid: 2 ** 22 + 1,
    });
    await expect(resolveTarget({ env, cwd: below })).rejects.toThrow(
      /is not running: start it with npm start/,
    );
  });

  it('says how to configure one when there is none', async () => {
    const nowhere = await scratch();
    const error = await resolveTarget({ env: { HOME: nowhere }, cwd: nowhere }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect(String(error)).toMatch(/set PARTWISE_URL and PARTWISE_API_KEY/);
  });
});

describe('errors as one line', () => {
  it('names the status, the problem and the field at fault', () => {
    const error = new PartwiseApiError(
      400,
      {
        type: 'urn:partwise:problem:validation-failed',
        detail: 'The request is not valid',
        errors: [{ pointer: '/config/partSizeBytes', detail: 'must be at least 1024' }],
      },
      'POST /jobs',
    );
    expect(describeError(error)).toEqual({
      line: '400 validation-failed: The request is not valid (/config/partSizeBytes must be at least 1024).',
      exitCode: 1,
    });
  });

  it('tells a server that cannot be reached from one that refused', () => {
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3000'), { code: 'ECONNREFUSED' }),
    });
    expect(describeError(refused, 'http://127.0.0.1:3000').line).toBe(
      'Cannot reach http://127.0.0.1:3000 (connection refused): start the local stack with npm start, or check PARTWISE_URL.',
    );
    expect(describeError(new UsageError('wrong'))).toEqual({ line: 'wrong', exitCode: 2 });
    expect(describeError(new PartwiseApiError(401, { detail: 'Unknown key' }, 'GET /jobs')).line).toMatch(
      /^401: Unknown key\. Check PARTWISE_API_KEY/,
    );
  });
});
