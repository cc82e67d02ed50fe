/**
 * Who may do what: each function's statements (permissions.ts writes them out action by
 * action), with the reason it needs them. The push fan-out's `@connections` grant is added
 * with the WebSocket stage (jobs-service.ts).
 */
import type { IRole } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { grantKeyUse } from './encryption.js';
import {
  grantApiKeyAdmin,
  grantApiKeyLookup,
  grantConnections,
  grantJobData,
  grantObjects,
  grantPutJobEvents,
  grantSecretValue,
  grantSendMessage,
} from './permissions.js';
import type { ResolvedJobsServiceProps } from './props.js';
import type { FunctionResources, ServiceFunctions } from './service-functions.js';

export function grantLeastPrivilege(
  fns: ServiceFunctions,
  r: FunctionResources,
  p: ResolvedJobsServiceProps,
): void {
  const { table, bucket } = r;
  const role = roleOf;

  // api: the resources and jobs of the HTTP API, and the per-key rate counters (`RATE#…`);
  // never an API key item (the deny in grantJobData). Commands and events go through the
  // outbox, which it relays right after each commit (the stream relay is the backstop).
  grantJobData(role(fns.api), table, { read: true, write: true, indexes: ['byEnvironment'] });
  grantObjects(role(fns.api), bucket, { read: true, write: true, delete: true });
  grantOutboxRelay(role(fns.api), r, p);

  // authorizer: looks up API keys and checks their HMACs with the key secret, and verifies
  // browser tokens with the token secret.
  grantApiKeyLookup(role(fns.authorizer), table);
  grantSecretValue(role(fns.authorizer), r.keySecret);
  grantSecretValue(role(fns.authorizer), r.tokenSecret);
  // admin: creates, lists, rotates and revokes API keys (their items alone), HMACs under the key secret.
  grantApiKeyAdmin(role(fns.admin), table);
  grantSecretValue(role(fns.admin), r.keySecret);
  // api: mints browser tokens with the same secret.
  grantSecretValue(role(fns.api), r.tokenSecret);

  // processor: runs parts (operations may delete records and files), enqueues the next
  // dispatch steps and parts, and relays its commits' outboxes right after each commit.
  // Receive/delete on the queue come from its event source.
  grantJobData(role(fns.processor), table, {
    read: true,
    write: true,
    indexes: ['byEnvironment'],
  });
  grantObjects(role(fns.processor), bucket, { read: true, write: true, delete: true });
  grantOutboxRelay(role(fns.processor), r, p);

  // relay: reads each job a stream record names again (the relay after the commit has
  // mostly cleared its outbox), stores each event for the feed, clears the outbox, hands
  // commands to the queue, publishes events and holds the ones EventBridge refuses in the
  // event dead letter. Stream read access comes from its event source.
  grantJobData(role(fns.relay), table, { read: true, write: true });
  grantOutboxRelay(role(fns.relay), r, p);

  // dead-letter: records a part's final failure on its job.
  grantJobData(role(fns.deadLetter), table, { read: true, write: true });

  // sweeper: finds stuck jobs and unrelayed outbox entries through the sparse indexes,
  // re-relays them (as the relay does: to the bus, or to the event dead letter), resends
  // pending parts (an operation reads its part plan from the bucket to do so) and
  // finalizes a job whose last part died before finalizing (the operation's finalize
  // reads and writes objects, as in the processor).
  grantJobData(role(fns.sweeper), table, {
    read: true,
    write: true,
    indexes: ['outbox', 'active'],
  });
  grantObjects(role(fns.sweeper), bucket, { read: true, write: true, delete: true });
  grantOutboxRelay(role(fns.sweeper), r, p);

  // push-authorizer: verifies the browser token of a $connect; no table at all.
  grantSecretValue(role(fns.pushAuthorizer), r.tokenSecret);
  // push-connections: keeps and forgets connections, reads none.
  grantConnections(role(fns.pushConnections), r.connectionsTable, { put: true, remove: true });
  // push-fan-out: lists an environment's connections and forgets the gone and expired ones
  // (its @connections grant, on the stage alone, is added with the stage).
  grantConnections(role(fns.pushFanOut), r.connectionsTable, {
    listByEnvironment: true,
    remove: true,
  });

  // With a customer managed key, S3, DynamoDB (streams included) and SQS (event sources
  // included) call KMS as the function: each needs the key for the data it touches above.
  // The authorizer only reads API key items; the push authorizer touches no encrypted data.
  const key = p.encryptionKey;
  if (key) {
    grantKeyUse(role(fns.authorizer), key, 'decrypt');
    for (const fn of [
      fns.api,
      fns.processor,
      fns.relay,
      fns.deadLetter,
      fns.sweeper,
      fns.pushConnections,
      fns.pushFanOut,
    ]) {
      grantKeyUse(role(fn), key, 'encrypt');
    }
  }
}

/**
 * What relaying an outbox takes (engine/relay.ts): commands to the parts queue, events to
 * the bus with the service's own source, refused events to the event dead letter.
 */
function grantOutboxRelay(role: IRole, r: FunctionResources, p: ResolvedJobsServiceProps): void {
  grantSendMessage(role, r.partsQueue);
  grantPutJobEvents(role, r.eventBus, p.eventSource);
  grantSendMessage(role, r.eventDeadLetterQueue);
}

export function roleOf(fn: IFunction) {
  if (!fn.role) throw new Error(`${fn.node.path} has no role`);
  return fn.role;
}
