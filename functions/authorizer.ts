import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
} from 'aws-lambda';
import { apiKeyStore } from '../shared/adapters/dynamodb/keys.js';
import { logger } from '../shared/logger.js';

type Result = APIGatewaySimpleAuthorizerWithContextResult<{ environmentId: string }>;

const DENY: Result = { isAuthorized: false, context: { environmentId: '' } };

/** Bearer API key → the environment it belongs to (keys are looked up by their SHA-256 hash). */
export const handler = async (event: APIGatewayRequestAuthorizerEventV2): Promise<Result> => {
  const header = event.headers?.authorization ?? event.headers?.Authorization ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match?.[1]) return DENY;
  const record = await apiKeyStore.find(match[1]);
  if (!record) {
    // The request's id, as the API's own log lines carry it (shared/http/correlation.ts).
    logger.info('unknown API key', { correlation_id: event.requestContext?.requestId });
    return DENY;
  }
  return { isAuthorized: true, context: { environmentId: record.environmentId } };
};
