import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../shared/domain/ids.js';
import type { DataFile, Sheet, SheetSegment, Workbook } from '../../shared/domain/resources.js';
import type { ResourceStore } from '../../shared/ports.js';
import { startEmulatedAws } from '../helpers/emulated-aws.js';

/** Files, workbooks, sheets and their record segments in the DynamoDB table (API keys: api-keys.test.ts). */
let aws: Awaited<ReturnType<typeof startEmulatedAws>>;
let store: ResourceStore;

beforeAll(async () => {
  aws = await startEmulatedAws();
  ({ dynamoResourceStore: store } = await import('../../shared/adapters/dynamodb/resource-store.js'));
});
afterAll(() => aws?.stop());

/** A new environment per test: its lists hold only what the test made. */
const newEnvironment = () => `env_${Math.random().toString(36).slice(2, 10)}`;

function file(environmentId: string, createdAt: string, name = 'people.csv'): DataFile {
  const id = newId('file');
  return {
    id,
    environmentId,
    name,
    mediaType: 'text/csv',
    status: 'pending',
    key: `uploads/${id}`,
    createdAt,
    updatedAt: createdAt,
  };
}

function workbook(environmentId: string, createdAt: string, sheets = 1): Workbook {
  const id = newId('workbook');
  return {
    id,
    environmentId,
    name: `Book ${createdAt}`,
    sheets: Array.from(
      { length: sheets },
      (_, i): Sheet => ({
        id: newId('sheet'),
        workbookId: id,
        environmentId,
        name: `Sheet ${i}`,
        fields: [{ key: 'name', type: 'string' }],
        createdAt,
      }),
    ),
    createdAt,
    updatedAt: createdAt,
  };
}

function segment(
  sheetId: string,
  ordinal: number,
  key = `sheets/${sheetId}/${ordinal}/a.ndjson`,
): SheetSegment {
  return { sheetId, ordinal, key, rows: 10, invalid: 1, jobId: 'job_a' };
}

/** Every page of a list, following `next` until there is none. */
async function allPages<T>(page: (cursor?: string) => Promise<{ items: T[]; next?: string }>) {
  const pages: T[][] = [];
  let cursor: string | undefined;
  do {
    const { items, next } = await page(cursor);
    pages.push(items);
    cursor = next;
  } while (cursor);
  return pages;
}

const at = (minute: number) => new Date(Date.UTC(2026, 10, 28, 10, minute)).toISOString();

describe('files in the DynamoDB resource store', () => {
  it('keeps a file, updates it, and deletes it', async () => {
    const stored = file(newEnvironment(), at(0));
    await store.putFile(stored);
    expect(await store.getFile(stored.id)).toEqual(stored);

    const updated = await store.updateFile(stored.id, { status: 'available', size: 42, updatedAt: at(1) });
    expect(updated).toEqual({ ...stored, status: 'available', size: 42, updatedAt: at(1) });
    expect(await store.getFile(stored.id)).toEqual(updated);

    await store.deleteFile(stored.id);
    expect(await store.getFile(stored.id)).toBeUndefined();
  });

  it('refuses to update a file that is not there', async () => {
    await expect(store.updateFile(newId('file'), { status: 'available' })).rejects.toMatchObject({
      status: 409,
      code: 'stale-write',
    });
  });

  it('lists an environment’s files newest first, page by page, and no other environment’s', async () => {
    // Prepare
    const environmentId = newEnvironment();
    const mine = [0, 1, 2, 3, 4].map((minute) => file(environmentId, at(minute)));
    for (const each of mine) await store.putFile(each);
    await store.putFile(file(newEnvironment(), at(5)));

    // Act
    const pages = await allPages(async (cursor) => {
      const { files, next } = await store.listFiles(environmentId, 2, cursor);
      return { items: files, ...(next ? { next } : {}) };
    });

    // Assess
    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    expect(pages.flat().map((each) => each.id)).toEqual([...mine].reverse().map((each) => each.id));
    expect(pages.flat()[0]).toEqual(mine.at(-1));
  });

  it('refuses a cursor it did not hand out', async () => {
    for (const cursor of [
      'not-a-cursor',
      Buffer.from('[1,2]').toString('base64url'),
      Buffer.from('null').toString('base64url'),
    ]) {
      await expect(store.listFiles(newEnvironment(), 2, cursor), cursor).rejects.toMatchObject({
        status: 400,
        errors: [{ path: ['query', 'next'], detail: 'unknown cursor' }],
      });
    }
  });
});

describe('workbooks and sheets in the DynamoDB resource store', () => {
  it('keeps a workbook with its sheets, each sheet readable on its own', async () => {
    const stored = workbook(newEnvironment(), at(0), 2);
    await store.putWorkbook(stored);

    expect(await store.getWorkbook(stored.id)).toEqual(stored);
    expect(await store.getSheet(stored.sheets[1]!.id)).toEqual(stored.sheets[1]);
    expect(await store.getSheet(newId('sheet'))).toBeUndefined();
    expect(await store.getWorkbook(newId('workbook'))).toBeUndefined();
  });

  it('replaces a workbook only while it is still at the revision read, and then its sheets', async () => {
    // Prepare
    const book = { ...workbook(newEnvironment(), new Date().toISOString()), revision: 1 };
    await store.putWorkbook(book);
    const sheet = book.sheets[0] as Sheet;
    const renamed = {
      ...book,
      revision: 2,
      name: 'Renamed',
      sheets: [{ ...sheet, actions: [{ operation: 'go', label: 'Go' }] }],
    };

    // Act
    await store.replaceWorkbook(renamed, 1);
    const late = store.replaceWorkbook({ ...book, revision: 2, name: 'Late' }, 1);

    // Assess
    await expect(late).rejects.toMatchObject({ name: 'StaleWriteError', status: 409 });
    expect(await store.getWorkbook(book.id)).toMatchObject({ name: 'Renamed', revision: 2 });
    expect((await store.getSheet(sheet.id))?.actions).toEqual([{ operation: 'go', label: 'Go' }]);
  });

  it('takes a workbook stored before revisions as revision 0, and replaces no workbook that is not there', async () => {
    const old = workbook(newEnvironment(), new Date().toISOString());
    await store.putWorkbook(old);
    await expect(store.replaceWorkbook({ ...old, revision: 1 }, 1)).rejects.toMatchObject({
      name: 'StaleWriteError',
    });
    await store.replaceWorkbook({ ...old, revision: 1, name: 'First change' }, 0);
    expect(await store.getWorkbook(old.id)).toMatchObject({ name: 'First change', revision: 1 });

    const missing = workbook(newEnvironment(), new Date().toISOString());
    await expect(store.replaceWorkbook({ ...missing, revision: 1 }, 0)).rejects.toMatchObject({
      name: 'StaleWriteError',
    });
    expect(await store.getWorkbook(missing.id)).toBeUndefined();
  });

  it('lists an environment’s workbooks newest first, page by page', async () => {
    const environmentId = newEnvironment();
    const mine = [0, 1, 2].map((minute) => workbook(environmentId, at(minute)));
    for (const each of mine) await store.putWorkbook(each);

    const pages = await allPages(async (cursor) => {
      const { workbooks, next } = await store.listWorkbooks(environmentId, 2, cursor);
      return { items: workbooks, ...(next ? { next } : {}) };
    });

    expect(pages.flat().map((each) => each.id)).toEqual([...mine].reverse().map((each) => each.id));
    expect(pages[0]).toHaveLength(2);
  });

  it('deletes a workbook with everything its sheets hold: segments past a batch of 25, and run counters', async () => {
    // Prepare: a sheet with 30 segments and a reserved run.
    const stored = workbook(newEnvironment(), at(0));
    await store.putWorkbook(stored);
    const sheetId = stored.sheets[0]!.id;
    for (let ordinal = 0; ordinal < 30; ordinal++) await store.putSegment(segment(sheetId, ordinal));
    await store.reserveRun(sheetId);

    // Act
    await store.deleteWorkbook(stored);

    // Assess
    expect(await store.getWorkbook(stored.id)).toBeUndefined();
    expect(await store.getSheet(sheetId)).toBeUndefined();
    expect(await store.listSegments(sheetId)).toEqual([]);
    expect(await store.reserveRun(sheetId)).toBe(1);
  });
});

describe('segments of a sheet in the DynamoDB resource store', () => {
  it('registers a segment, handing back the one it replaced', async () => {
    const sheetId = newId('sheet');
    expect(await store.putSegment(segment(sheetId, 3))).toBeUndefined();

    const replaced = await store.putSegment(segment(sheetId, 3, 'sheets/x/3/b.ndjson'));

    expect(replaced).toEqual(segment(sheetId, 3));
    expect(await store.getSegment(sheetId, 3)).toEqual(segment(sheetId, 3, 'sheets/x/3/b.ndjson'));
    expect(await store.getSegment(sheetId, 4)).toBeUndefined();
  });

  it('lists segments in ordinal order, across runs, and deletes the ones named', async () => {
    const sheetId = newId('sheet');
    const ordinals = [2_000_000, 1_000_010, 1_000_002, 9, 2_000_001];
    for (const ordinal of ordinals) await store.putSegment(segment(sheetId, ordinal));

    expect((await store.listSegments(sheetId)).map((each) => each.ordinal)).toEqual([
      9, 1_000_002, 1_000_010, 2_000_000, 2_000_001,
    ]);
    expect((await store.listSegments(sheetId))[0]).toEqual(segment(sheetId, 9));

    await store.deleteSegments(sheetId, [1_000_002, 2_000_000]);

    expect((await store.listSegments(sheetId)).map((each) => each.ordinal)).toEqual([
      9, 1_000_010, 2_000_001,
    ]);
  });

  it('swaps a segment only while it still points at the object that was read', async () => {
    const sheetId = newId('sheet');
    await store.putSegment(segment(sheetId, 0, 'old'));

    const won = await store.swapSegment(segment(sheetId, 0, 'new'), 'old');
    const lost = await store.swapSegment(segment(sheetId, 0, 'other'), 'old');

    expect([won, lost]).toEqual([true, false]);
    expect((await store.getSegment(sheetId, 0))?.key).toBe('new');
    expect(await store.swapSegment(segment(sheetId, 1, 'new'), 'old')).toBe(false);
    expect(await store.getSegment(sheetId, 1)).toBeUndefined();
  });

  it('reserves a new run of a sheet for each job, never the same one twice', async () => {
    const sheetId = newId('sheet');

    const runs = await Promise.all(Array.from({ length: 6 }, () => store.reserveRun(sheetId)));

    expect([...runs].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await store.reserveRun(newId('sheet'))).toBe(1);
  });
});
