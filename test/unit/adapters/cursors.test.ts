import { describe, expect, it } from 'vitest';
import {
  type CursorShape,
  decodeCursor,
  encodeCursor,
} from '../../../shared/adapters/dynamodb/expressions.js';
import { ValidationError } from '../../../shared/domain/errors.js';

/** The key shape of env_a's file list in the byEnvironment index. */
const FILES_OF_A: CursorShape = {
  pk: { prefix: 'FILE#' },
  sk: { equals: 'FILE' },
  gsi1pk: { equals: 'ENV#env_a#FILE' },
  gsi1sk: 'any',
};
const lastFile = {
  pk: 'FILE#file_1',
  sk: 'FILE',
  gsi1pk: 'ENV#env_a#FILE',
  gsi1sk: '2026-11-28T10:00:00Z#file_1',
};

const refused = (cursor: string) => () => decodeCursor(cursor, FILES_OF_A);

describe('list cursors', () => {
  it('give back the key a page ended at, for the list that returned it', () => {
    expect(decodeCursor(encodeCursor(lastFile), FILES_OF_A)).toEqual(lastFile);
    expect(decodeCursor(undefined, FILES_OF_A)).toBeUndefined();
  });

  it('refuse with a 400 what is not base64url JSON of an object', () => {
    for (const cursor of [
      'garbage',
      '%%%',
      Buffer.from('[1]').toString('base64url'),
      Buffer.from('null').toString('base64url'),
    ])
      expect(refused(cursor)).toThrow(ValidationError);
  });

  it('refuse a key of another shape: {"x":1}, a missing or an extra attribute, a value that is no string', () => {
    const { gsi1sk: _, ...missing } = lastFile;
    for (const key of [{ x: 1 }, missing, { ...lastFile, extra: 'x' }, { ...lastFile, gsi1sk: 7 }])
      expect(refused(encodeCursor(key) ?? '')).toThrow(/not one this list returned/);
  });

  it('refuse another list’s key and another environment’s', () => {
    const workbook = { ...lastFile, pk: 'WORKBOOK#wb_1', sk: 'WORKBOOK', gsi1pk: 'ENV#env_a#WORKBOOK' };
    const otherEnvironment = { ...lastFile, gsi1pk: 'ENV#env_b#FILE' };
    for (const key of [workbook, otherEnvironment])
      expect(refused(encodeCursor(key) ?? '')).toThrow(ValidationError);
  });

  it('refuse values longer than any key holds', () => {
    expect(refused(encodeCursor({ ...lastFile, gsi1sk: 'x'.repeat(300) }) ?? '')).toThrow(ValidationError);
  });
});
