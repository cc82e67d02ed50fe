import { StaleWriteError } from '../../domain/errors.js';
import type { DataFile, Sheet, SheetSegment, Workbook } from '../../domain/resources.js';
import type { ResourceStore } from '../../ports.js';
import {
  BatchWriteCommand,
  DeleteCommand,
  dynamo,
  GetCommand,
  PutCommand,
  QueryCommand,
  tableName,
  UpdateCommand,
} from './client.js';
import { isConditionFailed, rethrow } from './errors.js';
import { type CursorShape, decodeCursor, encodeCursor, UpdateBuilder } from './expressions.js';
import { TABLE_SCHEMA } from './table-schema.js';

const { byEnvironment } = TABLE_SCHEMA.indexes;

const fileKey = (id: string) => ({ pk: `FILE#${id}`, sk: 'FILE' });
const workbookKey = (id: string) => ({ pk: `WORKBOOK#${id}`, sk: 'WORKBOOK' });
const sheetKey = (id: string) => ({ pk: `SHEET#${id}`, sk: 'SHEET' });
// Ordinals are safe integers (run * 1e6 + index): 16 digits keep them in order as text.
const segmentKey = (sheetId: string, ordinal: number) => ({
  pk: `SHEET#${sheetId}`,
  sk: `SEGMENT#${String(ordinal).padStart(16, '0')}`,
});
const runsKey = (sheetId: string) => ({ pk: `SHEET#${sheetId}`, sk: 'RUNS' });

/** Writes or deletes items 25 at a time (BatchWriteItem's limit), retrying what comes back unprocessed. */
async function batchWrite(requests: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < requests.length; i += 25) {
    let batch = requests.slice(i, i + 25);
    for (let attempt = 0; batch.length > 0; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * 2 ** attempt)));
      const result = await dynamo.send(new BatchWriteCommand({ RequestItems: { [tableName()]: batch } }));
      batch = (result.UnprocessedItems?.[tableName()] ?? []) as typeof batch;
    }
  }
}

/** Keys of every item under one partition key (a sheet: the sheet, its segments, its run counter). */
async function partitionKeys(pk: string): Promise<Record<string, string>[]> {
  const keys: Record<string, string>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ProjectionExpression: 'pk, sk',
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) keys.push({ pk: String(item.pk), sk: String(item.sk) });
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return keys;
}

const segmentItem = (segment: SheetSegment) => ({
  ...segmentKey(segment.sheetId, segment.ordinal),
  kind: 'segment',
  ...segment,
});

function strip<T>(item: Record<string, unknown> | undefined, ...drop: string[]): T | undefined {
  if (!item) return undefined;
  const copy = { ...item };
  for (const key of ['pk', 'sk', 'kind', 'gsi1pk', 'gsi1sk', ...drop]) delete copy[key];
  return copy as T;
}

async function get<T>(key: Record<string, string>, what: string): Promise<T | undefined> {
  try {
    const { Item } = await dynamo.send(
      new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }),
    );
    return strip<T>(Item);
  } catch (error) {
    return rethrow(error, `read ${what}`);
  }
}

/** The key a cursor of an environment's list of `kind` holds: an item of that kind, in that environment. */
const environmentListCursor = (environmentId: string, kind: string): CursorShape => ({
  pk: { prefix: `${kind}#` },
  sk: { equals: kind },
  [byEnvironment.partitionKey]: { equals: `ENV#${environmentId}#${kind}` },
  [byEnvironment.sortKey]: 'any',
});

async function listByEnvironment<T>(environmentId: string, kind: string, limit: number, cursor?: string) {
  // Outside the try: a cursor the list refuses is the caller's 400, not DynamoDB's failure.
  const startKey = decodeCursor(cursor, environmentListCursor(environmentId, kind));
  try {
    const page = await dynamo.send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: byEnvironment.indexName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': byEnvironment.partitionKey },
        ExpressionAttributeValues: { ':pk': `ENV#${environmentId}#${kind}` },
        ScanIndexForward: false,
        ExclusiveStartKey: startKey,
        Limit: limit,
      }),
    );
    const next = encodeCursor(page.LastEvaluatedKey);
    return { items: (page.Items ?? []).map((item) => strip<T>(item) as T), ...(next ? { next } : {}) };
  } catch (error) {
    return rethrow(error, `list ${kind.toLowerCase()}s`);
  }
}

export const dynamoResourceStore: ResourceStore = {
  async putFile(file: DataFile) {
    try {
      await dynamo.send(
        new PutCommand({
          TableName: tableName(),
          Item: {
            ...fileKey(file.id),
            kind: 'file',
            ...file,
            gsi1pk: `ENV#${file.environmentId}#FILE`,
            gsi1sk: `${file.createdAt}#${file.id}`,
          },
        }),
      );
    } catch (error) {
      rethrow(error, `store file ${file.id}`);
    }
  },

  getFile: (id) => get<DataFile>(fileKey(id), `file ${id}`),

  async updateFile(id, patch, ifStatus) {
    const update = new UpdateBuilder();
    for (const [field, value] of Object.entries(patch)) update.set(field, value);
    const statuses = ifStatus?.map((status) => update.value(status)).join(', ');
    const condition = `attribute_exists(${update.name('pk')})${statuses ? ` AND ${update.name('status')} IN (${statuses})` : ''}`;
    try {
      const { Attributes } = await dynamo.send(
        new UpdateCommand({
          TableName: tableName(),
          Key: fileKey(id),
          ...update.params(condition),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return strip<DataFile>(Attributes) as DataFile;
    } catch (error) {
      return rethrow(error, `update file ${id}`);
    }
  },

  async listFiles(environmentId, limit, cursor) {
    const { items, next } = await listByEnvironment<DataFile>(environmentId, 'FILE', limit, cursor);
    return { files: items, ...(next ? { next } : {}) };
  },

  async putWorkbook(workbook: Workbook) {
    // The sheets are written before the workbook that lists them: a reader that finds
    // the workbook finds its sheets too. Puts are idempotent (deterministic ids on retry).
    const items = [
      ...workbook.sheets.map((sheet) => ({ ...sheetKey(sheet.id), kind: 'sheet', ...sheet })),
      {
        ...workbookKey(workbook.id),
        kind: 'workbook',
        ...workbook,
        gsi1pk: `ENV#${workbook.environmentId}#WORKBOOK`,
        gsi1sk: `${workbook.createdAt}#${workbook.id}`,
      },
    ];
    try {
      await batchWrite(items.map((Item) => ({ PutRequest: { Item } })));
    } catch (error) {
      rethrow(error, `store workbook ${workbook.id}`);
    }
  },

  async replaceWorkbook(workbook, revision) {
    // The workbook first, conditionally: a change that lost the race writes nothing. Its
    // sheets' items (read by GET /sheets/:id and an action's job) follow; they already
    // exist, and a change cut short between the two is finished by the next one.
    try {
      await dynamo.send(
        new PutCommand({
          TableName: tableName(),
          Item: {
            ...workbookKey(workbook.id),
            kind: 'workbook',
            ...workbook,
            gsi1pk: `ENV#${workbook.environmentId}#WORKBOOK`,
            gsi1sk: `${workbook.createdAt}#${workbook.id}`,
          },
          // A workbook stored before revisions were has none: it is at revision 0.
          ConditionExpression:
            revision === 0
              ? 'attribute_exists(pk) AND attribute_not_exists(revision)'
              : 'attribute_exists(pk) AND revision = :revision',
          ...(revision === 0 ? {} : { ExpressionAttributeValues: { ':revision': revision } }),
        }),
      );
    } catch (error) {
      if (isConditionFailed(error))
        throw new StaleWriteError(`workbook ${workbook.id} changed since revision ${revision}`, {
          cause: error,
        });
      rethrow(error, `store workbook ${workbook.id}`);
    }
    try {
      await batchWrite(
        workbook.sheets.map((sheet) => ({
          PutRequest: { Item: { ...sheetKey(sheet.id), kind: 'sheet', ...sheet } },
        })),
      );
    } catch (error) {
      rethrow(error, `store the sheets of workbook ${workbook.id}`);
    }
  },

  getWorkbook: (id) => get<Workbook>(workbookKey(id), `workbook ${id}`),
  getSheet: (id) => get<Sheet>(sheetKey(id), `sheet ${id}`),

  async listWorkbooks(environmentId, limit, cursor) {
    const { items, next } = await listByEnvironment<Workbook>(environmentId, 'WORKBOOK', limit, cursor);
    return { workbooks: items, ...(next ? { next } : {}) };
  },

  async deleteFile(id) {
    try {
      await dynamo.send(new DeleteCommand({ TableName: tableName(), Key: fileKey(id) }));
    } catch (error) {
      rethrow(error, `delete file ${id}`);
    }
  },

  async deleteWorkbook(workbook) {
    // Sheets' items first, the workbook last: a delete cut short by a crash leaves the
    // workbook findable, and DELETE /workbooks/:id again finishes the job.
    try {
      for (const sheet of workbook.sheets) {
        const keys = await partitionKeys(`SHEET#${sheet.id}`);
        await batchWrite(keys.map((Key) => ({ DeleteRequest: { Key } })));
      }
      await dynamo.send(new DeleteCommand({ TableName: tableName(), Key: workbookKey(workbook.id) }));
    } catch (error) {
      rethrow(error, `delete workbook ${workbook.id}`);
    }
  },

  async putSegment(segment: SheetSegment) {
    try {
      const { Attributes } = await dynamo.send(
        new PutCommand({ TableName: tableName(), Item: segmentItem(segment), ReturnValues: 'ALL_OLD' }),
      );
      return strip<SheetSegment>(Attributes);
    } catch (error) {
      return rethrow(error, `store a segment of sheet ${segment.sheetId}`);
    }
  },

  getSegment: (sheetId, ordinal) =>
    get<SheetSegment>(segmentKey(sheetId, ordinal), `segment ${ordinal} of sheet ${sheetId}`),

  async swapSegment(segment, expectedKey) {
    try {
      await dynamo.send(
        new PutCommand({
          TableName: tableName(),
          Item: segmentItem(segment),
          ConditionExpression: '#key = :expected',
          ExpressionAttributeNames: { '#key': 'key' },
          ExpressionAttributeValues: { ':expected': expectedKey },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      return rethrow(error, `replace segment ${segment.ordinal} of sheet ${segment.sheetId}`);
    }
  },

  async deleteSegments(sheetId, ordinals) {
    try {
      await batchWrite(ordinals.map((ordinal) => ({ DeleteRequest: { Key: segmentKey(sheetId, ordinal) } })));
    } catch (error) {
      rethrow(error, `delete segments of sheet ${sheetId}`);
    }
  },

  async reserveRun(sheetId) {
    try {
      const { Attributes } = await dynamo.send(
        new UpdateCommand({
          TableName: tableName(),
          Key: runsKey(sheetId),
          UpdateExpression: 'ADD #runs :one SET #kind = :kind',
          ExpressionAttributeNames: { '#runs': 'runs', '#kind': 'kind' },
          ExpressionAttributeValues: { ':one': 1, ':kind': 'runCounter' },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Number(Attributes?.runs);
    } catch (error) {
      return rethrow(error, `reserve a run of sheet ${sheetId}`);
    }
  },

  async listSegments(sheetId) {
    const segments: SheetSegment[] = [];
    let startKey: Record<string, unknown> | undefined;
    try {
      do {
        const page = await dynamo.send(
          new QueryCommand({
            TableName: tableName(),
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': `SHEET#${sheetId}`, ':prefix': 'SEGMENT#' },
            ExclusiveStartKey: startKey,
            // A part reads the segments it is about to rewrite: it must see the latest swap.
            ConsistentRead: true,
          }),
        );
        for (const item of page.Items ?? []) segments.push(strip<SheetSegment>(item) as SheetSegment);
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    } catch (error) {
      rethrow(error, `list the segments of sheet ${sheetId}`);
    }
    return segments;
  },
};
