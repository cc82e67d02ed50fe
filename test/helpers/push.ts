/**
 * Fakes of the push ports and the events API Gateway and EventBridge hand the push functions.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpRequest } from '@smithy/core/protocols';
import { Hash } from '@smithy/core/serde';
import { SignatureV4 } from '@smithy/signature-v4';
import type {
  APIGatewayEventWebsocketRequestContextV2,
  APIGatewayProxyWebsocketEventV2WithRequestContext,
  APIGatewayRequestAuthorizerEvent,
  EventBridgeEvent,
} from 'aws-lambda';
import { DependencyError } from '../../shared/domain/errors.js';
import type { PushConnection } from '../../shared/domain/push.js';
import type { PushChannel, PushConnectionStore } from '../../shared/ports.js';

/** The connections table in memory, with the calls it saw. */
export function memoryConnectionStore(initial: PushConnection[] = []) {
  const items = new Map(initial.map((c) => [c.connectionId, c]));
  const removed: string[] = [];
  let failLists = false;
  const store: PushConnectionStore = {
    async put(connection) {
      items.set(connection.connectionId, connection);
    },
    async remove(connectionId) {
      removed.push(connectionId);
      items.delete(connectionId);
    },
    async listForEnvironment(environmentId) {
      if (failLists) throw new DependencyError('DynamoDB could not list the connections.');
      return [...items.values()].filter((c) => c.environmentId === environmentId);
    },
  };
  return {
    store,
    items,
    removed,
    failLists() {
      failLists = true;
    },
  };
}

/** The @connections endpoint in memory: what was sent and closed; some connections gone, some failing. */
export function memoryChannel(options: { gone?: string[]; failing?: string[] } = {}) {
  const sent: { connectionId: string; data: string }[] = [];
  const closed: string[] = [];
  const fail = (connectionId: string) => {
    if (options.failing?.includes(connectionId)) {
      throw new DependencyError(`The @connections endpoint answered 500 for ${connectionId}`);
    }
  };
  const channel: PushChannel = {
    async send(connectionId, data) {
      fail(connectionId);
      if (options.gone?.includes(connectionId)) return 'gone';
      sent.push({ connectionId, data });
      return 'sent';
    },
    async close(connectionId) {
      fail(connectionId);
      closed.push(connectionId);
    },
  };
  return { channel, sent, closed };
}

/** A connection of `environmentId` (a watch connection with `jobId`) whose token expires at `expiresAt` (epoch s). */
export function connection(
  connectionId: string,
  environmentId: string,
  expiresAt: number,
  jobId?: string,
): PushConnection {
  return {
    connectionId,
    environmentId,
    ...(jobId ? { jobId } : {}),
    expiresAt,
    connectedAt: '2026-11-28T10:00:00.000Z',
  };
}

const METHOD_ARN = 'arn:aws:execute-api:us-east-1:000000000000:abcdef1234/push/$connect';

/** What the `$connect` REQUEST authorizer of a WebSocket API receives for `wss://…/push?token=…`. */
export function pushAuthorizerEvent(query: Record<string, string> = {}): APIGatewayRequestAuthorizerEvent {
  return {
    type: 'REQUEST',
    methodArn: METHOD_ARN,
    resource: '$connect',
    path: '/push',
    httpMethod: 'GET',
    headers: { Host: 'abcdef1234.execute-api.us-east-1.amazonaws.com', Upgrade: 'websocket' },
    multiValueHeaders: null,
    pathParameters: null,
    queryStringParameters: query,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    requestContext: {
      accountId: '000000000000',
      apiId: 'abcdef1234',
      authorizer: undefined,
      protocol: 'HTTP/1.1',
      httpMethod: 'GET',
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '127.0.0.1',
        user: null,
        userAgent: 'test',
        userArn: null,
      },
      path: '/push',
      stage: 'push',
      requestId: 'request-1',
      requestTimeEpoch: Date.parse('2026-11-28T10:00:00Z'),
      resourceId: '$connect',
      resourcePath: '$connect',
    },
  };
}

export type WebSocketRouteEvent = APIGatewayProxyWebsocketEventV2WithRequestContext<
  APIGatewayEventWebsocketRequestContextV2 & { authorizer?: Record<string, unknown> }
>;

/**
 * What the `$connect` or `$disconnect` route's integration receives. On `$connect`, the
 * authorizer's context arrives flattened beside `principalId`, every value a string.
 */
export function pushRouteEvent(
  eventType: 'CONNECT' | 'DISCONNECT',
  connectionId: string,
  authorizerContext?: Record<string, string | number | boolean>,
): WebSocketRouteEvent {
  return {
    isBase64Encoded: false,
    requestContext: {
      routeKey: eventType === 'CONNECT' ? '$connect' : '$disconnect',
      messageId: '',
      eventType,
      extendedRequestId: 'extended-1',
      requestTime: '28/Nov/2026:10:00:00 +0000',
      messageDirection: 'IN',
      stage: 'push',
      connectedAt: Date.parse('2026-11-28T10:00:00Z'),
      requestTimeEpoch: Date.parse('2026-11-28T10:00:00Z'),
      requestId: 'request-2',
      domainName: 'abcdef1234.execute-api.us-east-1.amazonaws.com',
      connectionId,
      apiId: 'abcdef1234',
      ...(authorizerContext
        ? {
            authorizer: {
              principalId: String(authorizerContext.environmentId),
              integrationLatency: 12,
              ...Object.fromEntries(Object.entries(authorizerContext).map(([k, v]) => [k, String(v)])),
            },
          }
        : {}),
    },
  };
}

/** What an EventBridge rule hands its Lambda target for a job event. */
export function jobEventEnvelope(detail: unknown, topic = 'job:updated'): EventBridgeEvent<string, unknown> {
  return {
    version: '0',
    id: 'eventbridge-1',
    'detail-type': topic,
    source: 'partwise',
    account: '000000000000',
    time: '2026-11-28T10:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail,
  };
}

/** A call the fake @connections endpoint received, and whether its Signature V4 holds. */
export interface ConnectionsCall {
  method: string;
  /** The path as sent: `/{stage}/@connections/{encoded id}`. */
  path: string;
  connectionId: string;
  contentType: string | undefined;
  body: string;
  /** The Authorization header's credential scope: `<key id>/<date>/<region>/<service>/aws4_request`. */
  credentialScope: string;
  signatureValid: boolean;
}

/**
 * An API Gateway `@connections` endpoint on a loopback port: POST and DELETE on
 * `/{stage}/@connections/{id}`, 410 for the ids in `gone`, 500 for those in `failing`. Every
 * call's signature is checked by signing the request again as it arrived, with `credentials`.
 */
export async function startConnectionsEndpoint(options: {
  stage: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  gone?: Set<string>;
  failing?: Set<string>;
}) {
  const calls: ConnectionsCall[] = [];
  const verifier = new SignatureV4({
    service: 'execute-api',
    region: options.region,
    credentials: options.credentials,
    sha256: Hash.bind(null, 'sha256'),
  });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const path = req.url ?? '';
      const body = Buffer.concat(chunks);
      const authorization = String(req.headers.authorization ?? '');
      const signedHeaders = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(';') ?? [];
      const amzDate = String(req.headers['x-amz-date'] ?? '');
      const resigned = await verifier.sign(
        new HttpRequest({
          method: req.method ?? '',
          protocol: 'http:',
          hostname: '127.0.0.1',
          path,
          headers: Object.fromEntries(signedHeaders.map((name) => [name, String(req.headers[name] ?? '')])),
          ...(body.length > 0 ? { body: new Uint8Array(body) } : {}),
        }),
        {
          signingDate: new Date(
            amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'),
          ),
        },
      );
      const prefix = `/${options.stage}/@connections/`;
      const connectionId = path.startsWith(prefix) ? decodeURIComponent(path.slice(prefix.length)) : '';
      calls.push({
        method: req.method ?? '',
        path,
        connectionId,
        contentType: req.headers['content-type'],
        body: body.toString('utf8'),
        credentialScope: /Credential=([^,]+)/.exec(authorization)?.[1] ?? '',
        signatureValid: authorization !== '' && resigned.headers.authorization === authorization,
      });
      const status = !connectionId
        ? 404
        : options.failing?.has(connectionId)
          ? 500
          : options.gone?.has(connectionId)
            ? 410
            : req.method === 'DELETE'
              ? 204
              : 200;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(status === 410 ? '{"message":"Gone"}' : status === 500 ? '{"message":"Internal"}' : '');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    /** The stage's callback URL, as the construct hands it to the fan-out function. */
    endpoint: `http://127.0.0.1:${port}/${options.stage}`,
    calls,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
