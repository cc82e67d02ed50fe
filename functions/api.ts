import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import { awsServices } from '../shared/adapters/aws-services.js';
import { problemJson } from '../shared/http/problem.js';
import type { ApiEvent, ApiResult } from '../shared/http/request.js';
import { apiRouter } from '../shared/http/router.js';
import { logger } from '../shared/logger.js';

/** The HTTP API: routing, headers, logging and problem JSON as middlewares; the routes call the engine. */
export const handler = middy<ApiEvent, ApiResult>()
  .use(injectLambdaContext(logger))
  .use(httpHeaderNormalizer())
  .use(problemJson())
  .handler(apiRouter(awsServices));
