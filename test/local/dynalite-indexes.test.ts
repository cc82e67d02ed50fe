import { fork } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { localClients } from '../../infra/local/clients.js';
import { type IndexRepair, repairIndexes, STATE_FILE } from '../../infra/local/dynalite-indexes.js';
import { startEmulators } from '../../infra/local/emulators.js';
import { NAMES } from '../../infra/local/handler-environment.js';
import type { Logger } from '../../infra/local/logger.js';
import { TABLE_SCHEMA } from '../../shared/adapters/dynamodb/table-schema.js';
import { WRITER_JOBS } from './fixtures/dynalite-writer.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Runs the writer on a fresh data directory and SIGKILLs it at a random moment of its writes. */
async function killedWhileWriting(): Promise<string> {
  const dataDir = await mkdtemp(join(tmpdir(), 'partwise-dynalite-'));
  dirs.push(dataDir);
  const child = fork(new URL('./fixtures/dynalite-writer.ts', import.meta.url), ['--write', dataDir], {
    execArgv: ['--import', 'tsx'],
    stdio: 'ignore',
  });
  await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`the writer exited with ${code} before it was ready`)));
  });
  await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 300));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  return dataDir;
}

function warnings(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const log: Logger = { info: () => {}, warn: (message) => lines.push(message), error: () => {} };
  return { log, lines };
}

/** Kills the writer until a kill leaves an index entry lost, as dynalite's separate writes allow. */
async function lostAnEntry(): Promise<{ dataDir: string; lost: IndexRepair }> {
  for (let kill = 1; kill <= 10; kill++) {
    const dataDir = await killedWhileWriting();
    const lost = await repairIndexes(join(dataDir, 'dynamodb'), { dryRun: true });
    if (lost.restored > 0) return { dataDir, lost };
  }
  throw new Error('ten kills mid-write left every index entry in place');
}

/** Starts the emulators on the directory and reads the jobs in the active index's shard 0. */
async function activeJobsAtStart(dataDir: string): Promise<{ found: string[]; warned: string[] }> {
  const { log, lines } = warnings();
  const emulators = await startEmulators(dataDir, log);
  const clients = localClients(emulators);
  try {
    const { Items } = await clients.dynamodb.send(
      new QueryCommand({
        TableName: NAMES.table,
        IndexName: TABLE_SCHEMA.indexes.active.indexName,
        KeyConditionExpression: '#shard = :shard',
        ExpressionAttributeNames: { '#shard': TABLE_SCHEMA.indexes.active.partitionKey },
        ExpressionAttributeValues: { ':shard': { S: '0' } },
      }),
    );
    return {
      found: (Items ?? []).map((item) => String(item[TABLE_SCHEMA.partitionKey]?.S)).sort(),
      warned: lines,
    };
  } finally {
    clients.destroy();
    await emulators.stop();
  }
}

const everyJob = Array.from({ length: WRITER_JOBS }, (_, job) => `JOB#${job}`).sort();

describe("the local DynamoDB's indexes after a SIGKILL", () => {
  it('are checked against the items at the next start, and every job is found in the active index again', async () => {
    // Prepare
    const { dataDir, lost } = await lostAnEntry();

    // Act
    const { found, warned } = await activeJobsAtStart(dataDir);

    // Assess
    expect(found).toEqual(everyJob);
    expect(warned).toEqual([
      `the local DynamoDB was not closed cleanly the last time; its indexes were checked against its items (entries put back: ${lost.restored}, removed: ${lost.removed})`,
    ]);
    expect(await repairIndexes(join(dataDir, 'dynamodb'), { dryRun: true })).toEqual({
      restored: 0,
      removed: 0,
    });
    // A clean stop marks it closed: the next start reads no item to check.
    expect(await readFile(join(dataDir, 'dynamodb', STATE_FILE), 'utf8')).toBe('closed\n');
  }, 90_000);

  it('are checked at the first start on a directory that no run has marked, as one from before the check', async () => {
    // Prepare
    const { dataDir, lost } = await lostAnEntry();
    await rm(join(dataDir, 'dynamodb', STATE_FILE));

    // Act
    const { found, warned } = await activeJobsAtStart(dataDir);

    // Assess
    expect(found).toEqual(everyJob);
    expect(warned).toEqual([
      `its indexes were checked against its items (entries put back: ${lost.restored}, removed: ${lost.removed})`,
    ]);
  }, 90_000);
});
