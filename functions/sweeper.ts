import middy from '@middy/core';
import { functionServices } from '../shared/adapters/aws-services.js';
import { sweep } from '../shared/engine/sweep.js';
import { logger } from '../shared/logger.js';
import { observed } from '../shared/observability.js';

/** Work with no progress for this long is sent again (idempotently). */
const DEFAULT_STALE_AFTER_SECONDS = 900;

/** Scheduled: re-relays stuck outboxes, re-plans stuck planning, resends pending parts of stalled jobs. */
const sweepStuckWork = async (
  event: { detail?: { staleAfterSeconds?: number; queueLost?: boolean } } = {},
) => {
  const report = await sweep(
    functionServices(),
    event.detail?.staleAfterSeconds ?? DEFAULT_STALE_AFTER_SECONDS,
    {
      queueLost: event.detail?.queueLost === true,
    },
  );
  logger.info('sweep done', { ...report });
  return report;
};

export const handler = middy(sweepStuckWork).use(observed());
