import { config } from '../config.js';
import type { Services } from '../services.js';
import { processMetrics } from './cloudwatch/emf-metrics.js';
import { dynamoEventStore } from './dynamodb/event-store.js';
import { dynamoJobStore } from './dynamodb/job-store.js';
import { dynamoResourceStore } from './dynamodb/resource-store.js';
import { eventBridgePublisher } from './eventbridge/event-publisher.js';
import { s3BlobStore } from './s3/blob-store.js';
import { sqsEventDeadLetter } from './sqs/event-dead-letter.js';
import { sqsPartQueue } from './sqs/part-queue.js';

let services: Services | undefined;
let functionsServices: Services | undefined;

/** The AWS-backed services, built once per process (Lambda instance or local worker). */
export function awsServices(): Services {
  services ??= {
    jobs: dynamoJobStore,
    events: dynamoEventStore,
    resources: dynamoResourceStore,
    blobs: s3BlobStore(),
    queue: sqsPartQueue(),
    publisher: eventBridgePublisher(),
    eventDeadLetter: sqsEventDeadLetter(),
    metrics: processMetrics(),
    now: () => new Date(),
    fairness: config.fairness,
  };
  return services;
}

/**
 * What the functions run with: the AWS-backed services, each commit's outbox delivered right
 * after the commit (the table stream's relay is the backstop).
 */
export function functionServices(): Services {
  functionsServices ??= { ...awsServices(), relayAfterCommit: true };
  return functionsServices;
}
