/**
 * `npm run client:types`: the typed client's types, generated from the OpenAPI document
 * (shared/http/openapi.ts) by openapi-typescript into `api-types.ts`, which is committed.
 * A test generates them again and fails when the committed file is not what the document
 * gives: change the document, run this, commit both.
 */
import { writeFile } from 'node:fs/promises';
import openapiTS, { astToString } from 'openapi-typescript';
import { openApiDocument } from '../http/openapi.js';

export const API_TYPES_FILE = new URL('./api-types.ts', import.meta.url);

/** The text of `api-types.ts` as the document gives it now. */
export async function apiTypes(): Promise<string> {
  // A field with a default may be left out of a request (openapi-typescript would make it required).
  const ast = await openapiTS(JSON.stringify(openApiDocument()), { defaultNonNullable: false });
  return `/** Generated from the OpenAPI document by \`npm run client:types\` (shared/client/generate.ts): do not edit. */\n${astToString(ast)}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await writeFile(API_TYPES_FILE, await apiTypes());
  console.log(`wrote ${API_TYPES_FILE.pathname}`);
}
