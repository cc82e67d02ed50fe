/**
 * The sweeper's schedule (an EventBridge rule in AWS). Locally it also runs once at
 * start with `staleAfterSeconds: 0`: the SQS emulator keeps messages in memory, so the
 * work of every unfinished job is re-enqueued after a restart.
 */
import { randomUUID } from 'node:crypto';
import { type Invoker, LOCAL_ACCOUNT, LOCAL_REGION } from './lambda.js';
import { describeError, type Logger, silentLogger } from './logger.js';
import { type Loop, startLoop } from './loop.js';

export interface ScheduleOptions {
  target: Invoker;
  ruleName: string;
  everySeconds: number;
  /** The event of the first run, right at start. */
  firstEvent: unknown;
  /** The `detail` of the runs after it (a rule's input). @default {} */
  detail?: Record<string, unknown>;
  log?: Logger;
}

/** The event a `rate(...)` rule sends. https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-run-lambda-schedule.html */
export function scheduledEvent(
  ruleName: string,
  detail: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: LOCAL_ACCOUNT,
    time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: LOCAL_REGION,
    resources: [`arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:rule/${ruleName}`],
    detail,
  };
}

export function startSchedule(options: ScheduleOptions): Loop {
  const log = options.log ?? silentLogger;
  let first = true;
  return startLoop(
    async () => {
      const event = first ? options.firstEvent : scheduledEvent(options.ruleName, options.detail);
      await options.target.invoke(event);
      // The first run is the one that re-enqueues after a restart: it repeats until it succeeds.
      first = false;
      return options.everySeconds * 1000;
    },
    (error) => {
      log.error(`${options.ruleName}: scheduled invocation failed`, describeError(error));
      return options.everySeconds * 1000;
    },
  );
}
