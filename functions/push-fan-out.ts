import middy from '@middy/core';
import type { EventBridgeEvent } from 'aws-lambda';
import { lambdaConnectionsApi } from '../shared/adapters/apigateway/connections-api.js';
import { dynamoConnectionStore } from '../shared/adapters/dynamodb/connection-store.js';
import { logger } from '../shared/logger.js';
import { observed } from '../shared/observability.js';
import { fanOut, pushedEventOf } from '../shared/push/fan-out.js';

/**
 * An EventBridge rule's job event → every browser connection that may receive it
 * (shared/push/fan-out.ts). Failures of single connections are logged, not retried: the
 * page reads its job again whenever its socket reconnects.
 */
const pushEvent = async (event: EventBridgeEvent<string, unknown>): Promise<void> => {
  const pushed = pushedEventOf(event.detail);
  if (!pushed) {
    logger.error('an event without environmentId and jobId reached the fan-out', {
      id: event.id,
      detailType: event['detail-type'],
    });
    return;
  }
  const report = await fanOut(
    { connections: dynamoConnectionStore, channel: lambdaConnectionsApi(), now: () => new Date() },
    pushed,
  );
  for (const { connectionId, error } of report.failures) {
    logger.warn('a push connection could not be served', { connectionId, error });
  }
  logger.info('event pushed', {
    eventId: event.id,
    topic: event['detail-type'],
    jobId: pushed.jobId,
    sent: report.sent,
    gone: report.gone,
    expired: report.expired,
    skipped: report.skipped,
    failed: report.failures.length,
  });
};

export const handler = middy(pushEvent).use(observed());
