/**
 * dynalite 4 writes an item and its index entries as separate LevelDB writes: it deletes the
 * item's old index entries, puts the new ones, then puts the item. DynamoDB never loses an
 * index entry; a process killed between those writes does — the item stays, its entry in a
 * global secondary index is gone (or names a key the item never got). The sweeper finds
 * stalled jobs through the `active` index and undrained outboxes through `outbox`, so a
 * job whose entry was lost that way hung for good after a SIGKILL of the local stack.
 *
 * So the local stack marks its DynamoDB directory open while dynalite has it, and closed
 * after a clean stop. Unless it is found closed at start, every table's index entries are
 * derived again from its items, with dynalite's own `getIndexActions`, before dynalite
 * opens the directory: entries missing are put back, and entries no item accounts for are
 * removed.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import dynaliteDb, { type DynaliteItem, type DynaliteTable } from 'dynalite/db/index.js';
import { Level } from 'level';

/**
 * `open` while dynalite has the directory open, `closed` after a clean stop. `open` at start
 * means a killed run; none means a directory that no run of this check has closed (new, or
 * written before the check existed, and perhaps by killed runs): both are checked.
 */
export const STATE_FILE = 'partwise-state';

export interface IndexRepair {
  /** Index entries that were missing or stale (their item's projection changed), put again. */
  restored: number;
  /** Index entries no item accounts for, removed. */
  removed: number;
}

/** LevelDB keys of dynalite 4 (db/index.js `getSubDb`): one prefix per table, index and item store. */
const TABLE_PREFIX = 'table~';
const itemPrefix = (table: string) => `item-${table}~`;
const indexPrefix = (kind: 'global' | 'local', table: string, index: string) =>
  `index-${kind}~${table}~${index}~`;

/** Every key that starts with `prefix`: `~` is the separator, and the next code point bounds it. */
const range = (prefix: string) => ({ gte: prefix, lt: `${prefix.slice(0, -1)}\u007f` });

/** What the start found: how the last run ended, and what the check of the indexes did. */
export interface DirectoryOpened {
  /** The last run was killed (or crashed) with the directory open. */
  killed: boolean;
  /** Absent when the last run closed the directory cleanly: nothing was checked. */
  repair?: IndexRepair;
}

/**
 * Marks `directory` open, after repairing its indexes unless the last run closed it cleanly.
 * Call before dynalite opens the directory, and `markDynaliteClosed` after it closed.
 */
export async function openDynaliteDirectory(directory: string): Promise<DirectoryOpened> {
  const file = join(directory, STATE_FILE);
  const state = await readFile(file, 'utf8').then(
    (text) => text.trim(),
    () => undefined,
  );
  const opened: DirectoryOpened = { killed: state === 'open' };
  if (state !== 'closed') opened.repair = await repairIndexes(directory);
  await writeFile(file, 'open\n');
  return opened;
}

export async function markDynaliteClosed(directory: string): Promise<void> {
  await writeFile(join(directory, STATE_FILE), 'closed\n');
}

/**
 * Derives every index entry again from the items, and writes only what differs (with
 * `dryRun`, nothing: the counts say what a repair would do). dynalite must not have the
 * directory open.
 */
export async function repairIndexes(directory: string, { dryRun = false } = {}): Promise<IndexRepair> {
  const db = new Level<string, unknown>(directory, { valueEncoding: 'json' });
  await db.open();
  const repair: IndexRepair = { restored: 0, removed: 0 };
  try {
    for await (const [, table] of db.iterator(range(TABLE_PREFIX))) {
      for (const [prefix, wanted] of await wantedEntries(db, table as DynaliteTable)) {
        const writes: Array<{ type: 'put'; key: string; value: unknown } | { type: 'del'; key: string }> = [];
        for await (const [key, entry] of db.iterator(range(prefix))) {
          const expected = wanted.get(key);
          if (expected === undefined) writes.push({ type: 'del', key });
          else if (expected === JSON.stringify(entry)) wanted.delete(key); // in place already
        }
        // What is left is missing, or stale (its item's projection changed): put again.
        repair.removed += writes.length;
        repair.restored += wanted.size;
        for (const [key, expected] of wanted) writes.push({ type: 'put', key, value: JSON.parse(expected) });
        if (writes.length > 0 && !dryRun) await db.batch(writes);
      }
    }
  } finally {
    await db.close();
  }
  return repair;
}

/**
 * Every index entry the table's items call for, in one pass over them: by index (its key
 * prefix), each entry's key to its value as JSON.
 */
async function wantedEntries(
  db: Level<string, unknown>,
  table: DynaliteTable,
): Promise<Map<string, Map<string, string>>> {
  const kinds = [
    ['global', table.GlobalSecondaryIndexes ?? []],
    ['local', table.LocalSecondaryIndexes ?? []],
  ] as const;
  const wanted = new Map<string, Map<string, string>>();
  for (const [kind, indexes] of kinds)
    for (const index of indexes) wanted.set(indexPrefix(kind, table.TableName, index.IndexName), new Map());
  if (wanted.size === 0) return wanted;
  for await (const [, item] of db.iterator(range(itemPrefix(table.TableName)))) {
    for (const [kind, indexes] of kinds) {
      for (const put of dynaliteDb.getIndexActions(indexes, undefined, item as DynaliteItem, table).puts) {
        const prefix = indexPrefix(kind, table.TableName, put.index);
        wanted.get(prefix)?.set(prefix + put.key, JSON.stringify(put.item));
      }
    }
  }
  return wanted;
}
