import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import { functionServices } from '../shared/adapters/aws-services.js';
import { dynamoRateLimiter } from '../shared/adapters/dynamodb/rate-limits.js';
import { extensionTokenSecret } from '../shared/adapters/secrets-manager/token-secret.js';
import { correlation } from '../shared/http/correlation.js';
import { problemJson } from '../shared/http/problem.js';
import type { ApiEvent, ApiResult } from '../shared/http/request.js';
import { apiRouter } from '../shared/http/router.js';
import { observed } from '../shared/observability.js';

/**
 * The HTTP API: routing, headers, logging and problem JSON as middlewares; the routes call the engine.
 * Keys are reset per request (observed), so one request's correlation id never tags the next one's logs.
 */
export const handler = middy<ApiEvent, ApiResult>()
  .use(observed({ correlation: 'request' }))
  .use(correlation())
  .use(httpHeaderNormalizer())
  .use(problemJson())
  .handler(
    apiRouter(functionServices, { tokenSecret: extensionTokenSecret(), rateLimiter: dynamoRateLimiter }),
  );
