import { SQSClient } from '@aws-sdk/client-sqs';
import { config } from '../../config.js';
import { traced } from '../../tracing.js';

/** The one SQS client of the process: the parts queue and the event dead letter share it. */
export const sqs = traced(
  new SQSClient({
    ...(config.sqsEndpoint ? { endpoint: config.sqsEndpoint } : {}),
    maxAttempts: 5,
  }),
);
