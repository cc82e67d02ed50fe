import middy from '@middy/core';
import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerResult,
  APIGatewaySimpleAuthorizerWithContextResult,
} from 'aws-lambda';
import { authorize, credentialOf } from '../shared/access/authorize.js';
import { apiKeyFinder } from '../shared/access/keys.js';
import { dynamoApiKeyStore } from '../shared/adapters/dynamodb/keys.js';
import { extensionKeySecret, extensionTokenSecret } from '../shared/adapters/secrets-manager/token-secret.js';
import type { Grant } from '../shared/domain/access.js';
import { logger } from '../shared/logger.js';
import { observed } from '../shared/observability.js';

type Result = APIGatewaySimpleAuthorizerResult | APIGatewaySimpleAuthorizerWithContextResult<Grant>;

const DENY: Result = { isAuthorized: false };
const authorities = {
  findKey: apiKeyFinder(dynamoApiKeyStore, extensionKeySecret()),
  tokenSecret: extensionTokenSecret(),
};

/**
 * An API key or a browser token → the environment it acts for and its grant, in the
 * context the api function reads (shared/access/policy.ts decides what the grant allows).
 */
const admitCaller = async (event: APIGatewayRequestAuthorizerEventV2): Promise<Result> => {
  const credential = credentialOf({
    method: event.requestContext?.http?.method ?? '',
    path: event.rawPath ?? '',
    headers: event.headers,
    query: event.queryStringParameters,
  });
  if (!credential) return DENY;
  const grant = await authorize(credential, authorities);
  if (!grant) {
    // The request's id, as the API's own log lines carry it (shared/http/correlation.ts).
    logger.info(credential.kind === 'token' ? 'invalid token' : 'unknown API key', {
      correlation_id: event.requestContext?.requestId,
    });
    return DENY;
  }
  return { isAuthorized: true, context: grant };
};

export const handler = middy(admitCaller).use(observed());
