import type { JobCommand } from '../domain/events.js';
import type { Services } from '../services.js';
import { cleanupJob } from './cleanup.js';
import { dispatchParts } from './dispatch.js';
import { planJob } from './lifecycle.js';
import { checkAckTimeout } from './outside.js';
import { runScan } from './scans.js';

/** Carries out an engine command from the parts queue. */
export async function runCommand(services: Services, command: JobCommand): Promise<void> {
  switch (command.kind) {
    case 'plan':
      return planJob(services, command.jobId);
    case 'dispatch':
      return dispatchParts(services, command.jobId, command.from, command.pendingOnly === true);
    case 'cleanup':
      return cleanupJob(services, command.jobId);
    case 'scan':
      return runScan(services, command);
    case 'ack-timeout':
      // SQS delays a message 15 minutes at most: a longer timeout waits again.
      if ((await checkAckTimeout(services, command.jobId, command.due)) === 'early') {
        await services.queue.send([command]);
      }
  }
}
