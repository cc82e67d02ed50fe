import type { SQSClient } from '@aws-sdk/client-sqs';
import { config } from '../../config.js';
import { traced } from '../../tracing.js';

/**
 * The one SQS client of the process (the parts queue and the event dead letter share it),
 * made with the first send and then reused across Lambda invocations: the SQS SDK loads
 * then, not with the function's module init (docs/operations.md, Init).
 */
let loading: Promise<{ sqs: SQSClient; sdk: typeof import('@aws-sdk/client-sqs') }> | undefined;

export function sqsSdk() {
  loading ??= import('@aws-sdk/client-sqs').then((sdk) => ({
    sdk,
    sqs: traced(
      new sdk.SQSClient({
        ...(config.sqsEndpoint ? { endpoint: config.sqsEndpoint } : {}),
        maxAttempts: 5,
      }),
    ),
  }));
  return loading;
}
