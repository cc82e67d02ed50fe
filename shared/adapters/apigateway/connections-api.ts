/**
 * The WebSocket API's `@connections` endpoint behind the PushChannel port, through
 * @aws-sdk/client-apigatewaymanagementapi: PostToConnection sends a frame, DeleteConnection
 * closes a connection, GoneException (410) says it no longer exists.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-how-to-call-websocket-api-connections.html
 */
import type { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { config } from '../../config.js';
import { DependencyError } from '../../domain/errors.js';
import type { PushChannel, PushDelivery } from '../../ports.js';
import { traced } from '../../tracing.js';

export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface ConnectionsApiOptions {
  /** The stage's callback URL, `https://{api id}.execute-api.{region}.amazonaws.com/{stage}`. */
  endpoint: string;
  region: string;
  /** @default the SDK's provider chain (a Lambda function's own credentials) */
  credentials?: () => SigningCredentials;
  /** @default 5000 */
  timeoutMs?: number;
}

export function connectionsApiChannel(options: ConnectionsApiOptions): PushChannel {
  /** The client, made with the first frame: its SDK module loads then, not at module init (docs/operations.md, Init). */
  let loading:
    | Promise<{
        client: ApiGatewayManagementApiClient;
        sdk: typeof import('@aws-sdk/client-apigatewaymanagementapi');
      }>
    | undefined;
  const connect = () => {
    loading ??= import('@aws-sdk/client-apigatewaymanagementapi').then((sdk) => ({
      sdk,
      client: traced(
        new sdk.ApiGatewayManagementApiClient({
          endpoint: options.endpoint,
          region: options.region,
          maxAttempts: 2,
          ...(options.credentials
            ? { credentials: async () => (options.credentials as () => SigningCredentials)() }
            : {}),
        }),
      ),
    }));
    return loading;
  };
  const timeout = () => ({ abortSignal: AbortSignal.timeout(options.timeoutMs ?? 5000) });

  /** 'gone' for a connection that no longer exists; a DependencyError for anything else that failed. */
  async function call(what: string, send: () => Promise<unknown>): Promise<PushDelivery> {
    try {
      await send();
      return 'sent';
    } catch (error) {
      if (isGone(error)) return 'gone';
      throw new DependencyError(`The @connections endpoint failed to ${what}.`, { cause: error });
    }
  }

  return {
    send(connectionId, data) {
      return call('send a frame', async () => {
        const { client, sdk } = await connect();
        return client.send(
          new sdk.PostToConnectionCommand({
            ConnectionId: connectionId,
            Data: new TextEncoder().encode(data),
          }),
          timeout(),
        );
      });
    },
    async close(connectionId) {
      await call('close a connection', async () => {
        const { client, sdk } = await connect();
        return client.send(new sdk.DeleteConnectionCommand({ ConnectionId: connectionId }), timeout());
      });
    },
  };
}

/** 410 Gone: a GoneException, or any answer with that status (a proxy that names no error type). */
function isGone(error: unknown): boolean {
  if (error instanceof Error && error.name === 'GoneException') return true;
  const metadata =
    typeof error === 'object' && error !== null && '$metadata' in error ? error.$metadata : undefined;
  return (
    typeof metadata === 'object' &&
    metadata !== null &&
    'httpStatusCode' in metadata &&
    metadata.httpStatusCode === 410
  );
}

let channel: PushChannel | undefined;

/** The channel of this function's WebSocket stage (PARTWISE_PUSH_ENDPOINT), with the function's own credentials. */
export function lambdaConnectionsApi(): PushChannel {
  channel ??= connectionsApiChannel({ endpoint: config.pushEndpoint, region: config.awsRegion });
  return channel;
}
