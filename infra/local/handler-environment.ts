/**
 * The local stack's process environment: what the handlers read, as Lambda's environment
 * would hold it, set when the stack starts and put back when it stops.
 */
import { ENV } from '../../shared/config.js';
import { LOCAL_CREDENTIALS } from './emulators.js';
import type { LocalFaults } from './faults.js';
import { LOCAL_REGION } from './lambda.js';
import type { Queue } from './provision.js';

/** The names of the resources the local stack provisions. */
export const NAMES = {
  table: 'partwise',
  bucket: 'partwise',
  queue: 'partwise-parts',
  deadLetterQueue: 'partwise-parts-dlq',
  eventDeadLetterQueue: 'partwise-event-dlq',
  bus: 'partwise',
  source: 'partwise',
};

/**
 * What the handlers read, as Lambda's environment would hold it. Workers inherit it. Returns
 * what puts the environment back as it was (the stack's stop): a process started from this one
 * afterwards (the bench's children) would otherwise take this stack's window or faults for
 * settings of its own.
 */
export function setHandlerEnvironment(
  endpoints: Record<string, string>,
  queues: { partsQueue: Queue; eventDeadLetterQueue: Queue },
  faults: LocalFaults,
  partsInFlightPerJob: number,
): () => Promise<void> {
  return setEnvironment({
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
    // EMF metrics are CloudWatch's log format: locally they would only crowd the log.
    // POWERTOOLS_METRICS_DISABLED=false shows them on stdout (docs/operations.md).
    POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
    [ENV.tableName]: NAMES.table,
    [ENV.bucketName]: NAMES.bucket,
    [ENV.partsQueueUrl]: queues.partsQueue.url,
    [ENV.eventDeadLetterQueueUrl]: queues.eventDeadLetterQueue.url,
    [ENV.eventBusName]: NAMES.bus,
    [ENV.eventSource]: NAMES.source,
    [ENV.faults]: JSON.stringify(faults),
    [ENV.partsInFlightPerJob]: String(partsInFlightPerJob),
    ...endpoints,
  });
}

/**
 * Sets process variables; returns what sets them back as they were, each unless it was changed
 * since. (One stack runs in a process: the main thread's adapters keep the endpoints they first
 * read, so the bench and the tests start another stack in a process of its own.)
 */
export function setEnvironment(values: Record<string, string>): () => Promise<void> {
  const before = new Map(Object.keys(values).map((key) => [key, process.env[key]]));
  Object.assign(process.env, values);
  return async () => {
    for (const [key, value] of Object.entries(values)) {
      if (process.env[key] !== value) continue;
      const previous = before.get(key);
      if (previous === undefined) delete process.env[key];
      else process.env[key] = previous;
    }
  };
}
