import { randomBytes } from 'node:crypto';
import { CreateTableCommand, type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type {
  APIGatewayAuthorizerResult,
  APIGatewayProxyResultV2,
  EventBridgeEvent,
  APIGatewayRequestAuthorizerEvent as PushAuthorizerEvent,
} from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaContext } from '../../infra/local/lambda.js';
import { type SecretsExtension, startSecretsExtension } from '../../infra/local/secrets-extension.js';
import { signToken } from '../../shared/access/token.js';
import { CONNECTIONS_TABLE_SCHEMA } from '../../shared/adapters/dynamodb/connections-schema.js';
import { ENV } from '../../shared/config.js';
import { DependencyError } from '../../shared/domain/errors.js';
import { newId } from '../../shared/domain/ids.js';
import type { PushConnectionStore } from '../../shared/ports.js';
import { startEmulatedAws } from '../helpers/emulated-aws.js';
import {
  connection,
  jobEventEnvelope,
  pushAuthorizerEvent,
  pushRouteEvent,
  startConnectionsEndpoint,
  type WebSocketRouteEvent,
} from '../helpers/push.js';

/**
 * Push to browsers on AWS, over the emulators: the connections table (dynalite, created from
 * the schema the construct reads), the @connections endpoint (a loopback fake that checks
 * every call's signature), and the three push functions on them.
 */
const TABLE = 'partwise-test-connections';
const SECRET_ID = 'partwise-test-push-token-secret';
const SECRET = randomBytes(32).toString('base64url');
const REGION = 'us-east-1';
const CREDENTIALS = {
  accessKeyId: 'AKIDPUSHTEST',
  secretAccessKey: 'push-test-secret',
  sessionToken: 'session-1',
};
const gone = new Set<string>();
const failing = new Set<string>();

let aws: Awaited<ReturnType<typeof startEmulatedAws>>;
let extension: SecretsExtension;
let endpoint: Awaited<ReturnType<typeof startConnectionsEndpoint>>;
let store: PushConnectionStore;

/** The table as the construct creates it (infra/push.ts), from the same schema. */
async function createConnectionsTable(dynamodb: DynamoDBClient): Promise<void> {
  const index = CONNECTIONS_TABLE_SCHEMA.indexes.byEnvironment;
  await dynamodb.send(
    new CreateTableCommand({
      TableName: TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: CONNECTIONS_TABLE_SCHEMA.partitionKey, AttributeType: 'S' },
        { AttributeName: index.partitionKey, AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: CONNECTIONS_TABLE_SCHEMA.partitionKey, KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: index.indexName,
          KeySchema: [{ AttributeName: index.partitionKey, KeyType: 'HASH' }],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
}

beforeAll(async () => {
  aws = await startEmulatedAws();
  await createConnectionsTable(aws.clients.dynamodb);
  extension = await startSecretsExtension({ [SECRET_ID]: SECRET });
  endpoint = await startConnectionsEndpoint({
    stage: 'push',
    region: REGION,
    credentials: CREDENTIALS,
    gone,
    failing,
  });
  Object.assign(process.env, extension.environment, {
    [ENV.tokenSecretId]: SECRET_ID,
    [ENV.connectionsTableName]: TABLE,
    [ENV.pushEndpoint]: endpoint.endpoint,
  });
  ({ dynamoConnectionStore: store } = await import('../../shared/adapters/dynamodb/connection-store.js'));
});
afterAll(async () => {
  await endpoint?.stop();
  await extension?.stop();
  await aws?.stop();
});

const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;
const env = () => `env_${randomBytes(4).toString('hex')}`;

describe('the connections store', () => {
  it("lists an environment's connections through its index, and no other environment's", async () => {
    const [a, b] = [env(), env()];
    const expiresAt = inAnHour();
    await store.put(connection('a-1', a, expiresAt));
    await store.put(connection('a-2', a, expiresAt, 'job_1'));
    await store.put(connection('b-1', b, expiresAt));

    const listed = await store.listForEnvironment(a);

    expect(listed.map((c) => c.connectionId).sort()).toEqual(['a-1', 'a-2']);
    expect(listed.find((c) => c.connectionId === 'a-2')).toEqual(connection('a-2', a, expiresAt, 'job_1'));
    expect(await store.listForEnvironment(env())).toEqual([]);
  });

  it("keeps the token's expiry as a number in the TTL attribute (dynalite expires nothing: DynamoDB does)", async () => {
    const expiresAt = inAnHour();
    await store.put(connection('ttl-1', env(), expiresAt));

    const { Item } = await aws.clients.dynamodb.send(
      new GetItemCommand({ TableName: TABLE, Key: { connectionId: { S: 'ttl-1' } } }),
    );

    expect(Item?.[CONNECTIONS_TABLE_SCHEMA.timeToLiveAttribute]).toEqual({ N: String(expiresAt) });
    expect(Item?.jobId).toBeUndefined();
  });

  it('forgets a connection, twice as well as once', async () => {
    const e = env();
    await store.put(connection('gone-1', e, inAnHour()));
    await store.remove('gone-1');
    await store.remove('gone-1');
    expect(await store.listForEnvironment(e)).toEqual([]);
  });
});

describe('the @connections channel', () => {
  const channel = async () => {
    const { connectionsApiChannel } = await import('../../shared/adapters/apigateway/connections-api.js');
    return connectionsApiChannel({
      endpoint: endpoint.endpoint,
      region: REGION,
      credentials: () => CREDENTIALS,
    });
  };

  it('POSTs the frame to the connection, signed for execute-api, its id encoded as the SDK encodes it', async () => {
    // Prepare: API Gateway's ids end with "=", which a path must escape.
    const before = endpoint.calls.length;

    // Act
    const delivery = await (await channel()).send('L0SM9cOFvHcCIhw=', '{"topic":"job:updated"}');

    // Assess
    expect(delivery).toBe('sent');
    const [call] = endpoint.calls.slice(before);
    expect(call).toMatchObject({
      method: 'POST',
      path: '/push/@connections/L0SM9cOFvHcCIhw%3D',
      connectionId: 'L0SM9cOFvHcCIhw=',
      contentType: 'application/octet-stream',
      body: '{"topic":"job:updated"}',
      signatureValid: true,
    });
    expect(call?.credentialScope).toMatch(/^AKIDPUSHTEST\/\d{8}\/us-east-1\/execute-api\/aws4_request$/);
  });

  it("says 'gone' for 410, and closes a connection with a signed DELETE, gone or not", async () => {
    gone.add('closed-1');
    const before = endpoint.calls.length;
    const c = await channel();

    expect(await c.send('closed-1', '{}')).toBe('gone');
    await c.close('closed-1');
    await c.close('open-1');

    const calls = endpoint.calls.slice(before);
    expect(calls.map((x) => `${x.method} ${x.connectionId}`)).toEqual([
      'POST closed-1',
      'DELETE closed-1',
      'DELETE open-1',
    ]);
    expect(calls.every((x) => x.signatureValid)).toBe(true);
  });

  it('throws a DependencyError for any other answer, and when the endpoint cannot be reached', async () => {
    failing.add('broken-1');
    await expect((await channel()).send('broken-1', '{}')).rejects.toBeInstanceOf(DependencyError);
    const { connectionsApiChannel } = await import('../../shared/adapters/apigateway/connections-api.js');
    const unreachable = connectionsApiChannel({
      endpoint: 'http://127.0.0.1:9/push',
      region: REGION,
      credentials: () => CREDENTIALS,
    });
    await expect(unreachable.send('c', '{}')).rejects.toBeInstanceOf(DependencyError);
  });
});

describe('the push functions', () => {
  type Authorizer = (event: PushAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;
  type Connections = (event: WebSocketRouteEvent) => Promise<APIGatewayProxyResultV2>;
  type FanOut = (event: EventBridgeEvent<string, unknown>) => Promise<void>;
  let authorizer: Authorizer;
  let connections: Connections;
  let fanOut: FanOut;

  beforeAll(async () => {
    // The fan-out signs with the function's own credentials, as Lambda hands them over.
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      AWS_SESSION_TOKEN: CREDENTIALS.sessionToken,
    });
    // Each call as Lambda makes it: the event and a context of its own.
    const functions = {
      authorizer: (await import('../../functions/push-authorizer.js')).handler,
      connections: (await import('../../functions/push-connections.js')).handler,
      fanOut: (await import('../../functions/push-fan-out.js')).handler,
    };
    authorizer = (event) => functions.authorizer(event, lambdaContext('push-authorizer', 10));
    connections = (event) => functions.connections(event, lambdaContext('push-connections', 10));
    fanOut = (event) => functions.fanOut(event, lambdaContext('push-fan-out', 30));
  });

  const secretBytes = () => new TextEncoder().encode(SECRET);

  /** `$connect` as API Gateway runs it: the authorizer, then, when allowed, the route with its context. */
  async function connect(connectionId: string, token: string): Promise<APIGatewayAuthorizerResult> {
    const answer = await authorizer(pushAuthorizerEvent({ token }));
    if (answer.policyDocument.Statement[0]?.Effect === 'Allow') {
      const context = Object.fromEntries(
        Object.entries(answer.context ?? {}).filter((entry): entry is [string, string | number | boolean] =>
          ['string', 'number', 'boolean'].includes(typeof entry[1]),
        ),
      );
      expect(await connections(pushRouteEvent('CONNECT', connectionId, context))).toEqual({
        statusCode: 200,
      });
    }
    return answer;
  }

  it('admits a browser token at $connect with an IAM policy on the route, and keeps the connection', async () => {
    // Prepare
    const environmentId = env();
    const jobId = newId('job');
    const { token, claims } = await signToken(secretBytes(), {
      environmentId,
      scope: 'watch',
      jobId,
      ttlSeconds: 300,
    });

    // Act
    const answer = await connect('conn-watch', token);

    // Assess: the policy a WebSocket REQUEST authorizer answers, the grant in its context.
    expect(answer).toEqual({
      principalId: environmentId,
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: pushAuthorizerEvent().methodArn },
        ],
      },
      context: { credential: 'token', environmentId, scope: 'watch', jobId, expiresAt: claims.exp },
    });
    expect(await store.listForEnvironment(environmentId)).toEqual([
      expect.objectContaining({ connectionId: 'conn-watch', environmentId, jobId, expiresAt: claims.exp }),
    ]);
  });

  it('denies an API key, a foreign token and an expired one (Deny, not a thrown error the alarms would count)', async () => {
    const foreign = await signToken(randomBytes(32), {
      environmentId: env(),
      scope: 'read',
      ttlSeconds: 300,
    });
    const expired = await signToken(
      secretBytes(),
      { environmentId: env(), scope: 'read', ttlSeconds: 60 },
      new Date(Date.now() - 3600_000),
    );
    for (const token of ['pw_an-api-key', foreign.token, expired.token]) {
      const answer = await authorizer(pushAuthorizerEvent({ token }));
      expect(answer.policyDocument.Statement).toEqual([
        { Action: 'execute-api:Invoke', Effect: 'Deny', Resource: pushAuthorizerEvent().methodArn },
      ]);
      expect(answer.context).toBeUndefined();
    }
    expect((await authorizer(pushAuthorizerEvent())).policyDocument.Statement[0]?.Effect).toBe('Deny');
  });

  it('refuses a $connect route that carries no token grant', async () => {
    expect(await connections(pushRouteEvent('CONNECT', 'conn-none'))).toEqual({ statusCode: 401 });
    expect(
      await connections(
        pushRouteEvent('CONNECT', 'conn-key', { credential: 'api-key', environmentId: env() }),
      ),
    ).toEqual({ statusCode: 401 });
  });

  it('pushes a job event to the sockets that may read it, forgets the gone, closes the expired', async () => {
    // Prepare: an environment socket, a watcher of the job, a watcher of another, one gone, one expired.
    const environmentId = env();
    const jobId = newId('job');
    const mint = (scope: 'read' | 'watch', watched?: string) =>
      signToken(secretBytes(), {
        environmentId,
        scope,
        ttlSeconds: 300,
        ...(watched ? { jobId: watched } : {}),
      }).then((minted) => minted.token);
    await connect('env-socket', await mint('read'));
    await connect('job-watcher', await mint('watch', jobId));
    await connect('other-watcher', await mint('watch', newId('job')));
    await connect('gone-socket', await mint('read'));
    gone.add('gone-socket');
    await store.put(connection('expired-socket', environmentId, Math.floor(Date.now() / 1000) - 1));
    const detail = {
      version: 1,
      id: newId('event'),
      topic: 'job:completed',
      environmentId,
      jobId,
      progress: 100,
    };
    const before = endpoint.calls.length;

    // Act
    await fanOut(jobEventEnvelope(detail, 'job:completed'));

    // Assess
    const calls = endpoint.calls.slice(before);
    const posted = calls.filter((c) => c.method === 'POST').map((c) => c.connectionId);
    expect(posted.sort()).toEqual(['env-socket', 'gone-socket', 'job-watcher']);
    expect(calls.filter((c) => c.method === 'DELETE').map((c) => c.connectionId)).toEqual(['expired-socket']);
    const frames = calls.filter((c) => c.method === 'POST' && c.connectionId !== 'gone-socket');
    expect(frames.map((c) => JSON.parse(c.body))).toEqual([detail, detail]);
    expect(calls.every((c) => c.signatureValid)).toBe(true);
    expect((await store.listForEnvironment(environmentId)).map((c) => c.connectionId).sort()).toEqual([
      'env-socket',
      'job-watcher',
      'other-watcher',
    ]);
  });

  it('forgets a connection at $disconnect', async () => {
    const environmentId = env();
    const { token } = await signToken(secretBytes(), { environmentId, scope: 'read', ttlSeconds: 300 });
    await connect('conn-leaving', token);

    expect(await connections(pushRouteEvent('DISCONNECT', 'conn-leaving'))).toEqual({ statusCode: 200 });

    expect(await store.listForEnvironment(environmentId)).toEqual([]);
  });
});
