import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { API_TYPES_FILE, apiTypes } from '../../../shared/client/generate.js';

describe("the typed client's types", () => {
  it('are what the OpenAPI document gives now (else: npm run client:types, and commit both)', async () => {
    expect(await readFile(API_TYPES_FILE, 'utf8')).toBe(await apiTypes());
  });
});
