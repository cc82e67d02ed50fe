import {
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { DataFile, Sheet, SheetSegment, Workbook } from '../../domain/resources.js';
import type { ResourceStore } from '../../ports.js';
import { dynamo, tableName } from './client.js';
import { rethrow } from './errors.js';
import { decodeCursor, encodeCursor, UpdateBuilder } from './expressions.js';
import { TABLE_SCHEMA } from './table-schema.js';

const { byEnvironment } = TABLE_SCHEMA.indexes;

const fileKey = (id: string) => ({ pk: `FILE#${id}`, sk: 'FILE' });
const workbookKey = (id: string) => ({ pk: `WORKBOOK#${id}`, sk: 'WORKBOOK' });
const sheetKey = (id: string) => ({ pk: `SHEET#${id}`, sk: 'SHEET' });
const segmentKey = (sheetId: string, ordinal: number) => ({
  pk: `SHEET#${sheetId}`,
  sk: `SEGMENT#${String(ordinal).padStart(8, '0')}`,
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

async function listByEnvironment<T>(environmentId: string, kind: string, limit: number, cursor?: string) {
  try {
    const page = await dynamo.send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: byEnvironment.indexName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': byEnvironment.partitionKey },
        ExpressionAttributeValues: { ':pk': `ENV#${environmentId}#${kind}` },
        ScanIndexForward: false,
        ExclusiveStartKey: decodeCursor(cursor),
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

  async updateFile(id, patch) {
    const update = new UpdateBuilder();
    for (const [field, value] of Object.entries(patch)) update.set(field, value);
    try {
      const { Attributes } = await dynamo.send(
        new UpdateCommand({
          TableName: tableName(),
          Key: fileKey(id),
          ...update.params(`attribute_exists(${update.name('pk')})`),
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
      for (let i = 0; i < items.length; i += 25) {
        let requests = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
        while (requests.length > 0) {
          const result = await dynamo.send(
            new BatchWriteCommand({ RequestItems: { [tableName()]: requests } }),
          );
          requests = (result.UnprocessedItems?.[tableName()] ?? []) as typeof requests;
        }
      }
    } catch (error) {
      rethrow(error, `store workbook ${workbook.id}`);
    }
  },

  getWorkbook: (id) => get<Workbook>(workbookKey(id), `workbook ${id}`),
  getSheet: (id) => get<Sheet>(sheetKey(id), `sheet ${id}`),

  async listWorkbooks(environmentId, limit, cursor) {
    const { items, next } = await listByEnvironment<Workbook>(environmentId, 'WORKBOOK', limit, cursor);
    return { workbooks: items, ...(next ? { next } : {}) };
  },

  async putSegment(segment: SheetSegment) {
    try {
      await dynamo.send(
        new PutCommand({
          TableName: tableName(),
          Item: { ...segmentKey(segment.sheetId, segment.ordinal), kind: 'segment', ...segment },
        }),
      );
    } catch (error) {
      rethrow(error, `store a segment of sheet ${segment.sheetId}`);
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
