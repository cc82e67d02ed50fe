import middy from '@middy/core';
import type {
  APIGatewayEventWebsocketRequestContextV2,
  APIGatewayProxyResultV2,
  APIGatewayProxyWebsocketEventV2WithRequestContext,
} from 'aws-lambda';
import { dynamoConnectionStore } from '../shared/adapters/dynamodb/connection-store.js';
import { PartwiseError } from '../shared/domain/errors.js';
import { logger } from '../shared/logger.js';
import { observed } from '../shared/observability.js';
import { closeConnection, openConnection } from '../shared/push/connections.js';

/** On `$connect`, the authorizer's context (flattened beside `principalId`, values as strings). */
type WebSocketEvent = APIGatewayProxyWebsocketEventV2WithRequestContext<
  APIGatewayEventWebsocketRequestContextV2 & { authorizer?: Record<string, unknown> }
>;

/**
 * The WebSocket API's `$connect` (the authorizer admitted the token: the connection is kept
 * with its scope and expiry) and `$disconnect` (it is forgotten). A `$connect` answered with
 * anything but 2xx refuses the socket.
 */
const keepConnection = async (event: WebSocketEvent): Promise<APIGatewayProxyResultV2> => {
  const { connectionId, eventType, requestId } = event.requestContext;
  if (eventType === 'DISCONNECT') {
    await closeConnection(dynamoConnectionStore, connectionId);
    return { statusCode: 200 };
  }
  if (eventType !== 'CONNECT') return { statusCode: 400 };
  try {
    const connection = await openConnection(
      dynamoConnectionStore,
      connectionId,
      event.requestContext.authorizer,
      new Date(),
    );
    logger.info('push socket opened', {
      connectionId,
      environmentId: connection.environmentId,
      jobId: connection.jobId,
      expiresAt: connection.expiresAt,
    });
    return { statusCode: 200 };
  } catch (error) {
    if (!(error instanceof PartwiseError && error.expose)) throw error;
    logger.info('push socket refused', { reason: error.message, correlation_id: requestId });
    return { statusCode: error.status };
  }
};

export const handler = middy(keepConnection).use(observed());
