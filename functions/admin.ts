import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { KeyAdmin } from '../shared/access/key-admin.js';
import { dynamoApiKeyStore } from '../shared/adapters/dynamodb/keys.js';
import { extensionKeySecret } from '../shared/adapters/secrets-manager/token-secret.js';
import { adminRouter } from '../shared/http/admin-router.js';
import { correlation } from '../shared/http/correlation.js';
import { problemJson } from '../shared/http/problem.js';
import type { AdminEvent, ApiResult } from '../shared/http/request.js';
import { observed } from '../shared/observability.js';

const admin: KeyAdmin = { store: dynamoApiKeyStore, secret: extensionKeySecret(), now: () => new Date() };

/** The admin routes (`/admin/…`): API keys, behind IAM (docs/auth.md). */
export const handler = middy<AdminEvent, ApiResult>()
  .use(observed({ correlation: 'request' }))
  .use(correlation<AdminEvent>())
  .use(httpHeaderNormalizer())
  .use(problemJson<AdminEvent>())
  .handler(adminRouter(() => admin));
