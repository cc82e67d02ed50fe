import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localClients } from '../../infra/local/clients.js';
import { LOCAL_CREDENTIALS, startEmulators } from '../../infra/local/emulators.js';
import { provision } from '../../infra/local/provision.js';
import { ENV } from '../../shared/config.js';

/**
 * The embedded emulators (dynalite, s3rver, fauxqs, the local EventBridge) with the
 * table, bucket and queues provisioned, and the PARTWISE_* variables pointing at them.
 * Import adapters only after this ran: they read the PARTWISE_* variables it sets.
 */
export async function startEmulatedAws() {
  const dataDir = await mkdtemp(join(tmpdir(), 'partwise-adapters-'));
  const emulators = await startEmulators(dataDir);
  const clients = localClients(emulators);
  const provisioned = await provision(clients, {
    tableName: 'partwise-test',
    bucketName: 'partwise-test',
    queueName: 'partwise-test-parts',
    deadLetterQueueName: 'partwise-test-dlq',
    eventDeadLetterQueueName: 'partwise-test-event-dlq',
    visibilityTimeoutSeconds: 2,
  });
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    [ENV.tableName]: provisioned.tableName,
    [ENV.bucketName]: provisioned.bucketName,
    [ENV.partsQueueUrl]: provisioned.partsQueue.url,
    [ENV.eventDeadLetterQueueUrl]: provisioned.eventDeadLetterQueue.url,
    [ENV.eventBusName]: 'partwise-test',
    [ENV.dynamodbEndpoint]: emulators.dynamodbEndpoint,
    [ENV.s3Endpoint]: emulators.s3Endpoint,
    [ENV.sqsEndpoint]: emulators.sqsEndpoint,
    [ENV.eventbridgeEndpoint]: emulators.eventbridgeEndpoint,
  });
  return {
    emulators,
    clients,
    provisioned,
    async stop() {
      clients.destroy();
      await emulators.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
