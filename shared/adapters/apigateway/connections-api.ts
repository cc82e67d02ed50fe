/**
 * The WebSocket API's `@connections` endpoint behind the PushChannel port: POST sends a frame
 * to a connection, DELETE closes it, 410 Gone says the connection no longer exists.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-how-to-call-websocket-api-connections.html
 *
 * Called with fetch and signed with Signature V4 (service `execute-api`), the request shaped
 * as @aws-sdk/client-apigatewaymanagementapi shapes it (the path `{stage}/@connections/{id}`,
 * the id encoded as that client encodes it, the frame as an octet-stream body). That client
 * is not among this project's dependencies; the signer already is (through the SDK's core).
 */
import { extendedEncodeURIComponent, HttpRequest } from '@smithy/core/protocols';
import { Hash } from '@smithy/core/serde';
import { SignatureV4 } from '@smithy/signature-v4';
import { config } from '../../config.js';
import { DependencyError } from '../../domain/errors.js';
import type { PushChannel, PushDelivery } from '../../ports.js';

export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface ConnectionsApiOptions {
  /** The stage's callback URL, `https://{api id}.execute-api.{region}.amazonaws.com/{stage}`. */
  endpoint: string;
  region: string;
  credentials: () => SigningCredentials;
  /** @default 5000 */
  timeoutMs?: number;
}

export function connectionsApiChannel(options: ConnectionsApiOptions): PushChannel {
  const base = new URL(options.endpoint);
  const stagePath = base.pathname.replace(/\/$/, '');
  const signer = new SignatureV4({
    service: 'execute-api',
    region: options.region,
    credentials: async () => options.credentials(),
    sha256: Hash.bind(null, 'sha256'),
  });

  /** The answer's status, after one signed call. */
  async function call(method: 'POST' | 'DELETE', connectionId: string, frame?: string): Promise<number> {
    const path = `${stagePath}/@connections/${extendedEncodeURIComponent(connectionId)}`;
    const body = frame === undefined ? undefined : new TextEncoder().encode(frame);
    const signed = await signer.sign(
      new HttpRequest({
        method,
        protocol: base.protocol,
        hostname: base.hostname,
        ...(base.port ? { port: Number(base.port) } : {}),
        path,
        headers: {
          host: base.host,
          ...(body ? { 'content-type': 'application/octet-stream' } : {}),
        },
        ...(body ? { body } : {}),
      }),
    );
    // fetch sets Host itself, from the URL: the same value that was signed.
    const { host: _host, ...headers } = signed.headers;
    let response: Response;
    try {
      response = await fetch(`${base.origin}${path}`, {
        method,
        headers,
        ...(body ? { body } : {}),
        signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
      });
    } catch (error) {
      throw new DependencyError(`The @connections endpoint did not answer a ${method}.`, { cause: error });
    }
    const status = response.status;
    const text = await response.text();
    if (status === 410 || (status >= 200 && status < 300)) return status;
    throw new DependencyError(
      `The @connections endpoint answered a ${method} with ${status} ${text.slice(0, 200)}`,
    );
  }

  return {
    async send(connectionId, data): Promise<PushDelivery> {
      return (await call('POST', connectionId, data)) === 410 ? 'gone' : 'sent';
    },
    async close(connectionId) {
      await call('DELETE', connectionId);
    },
  };
}

let channel: PushChannel | undefined;

/** The channel of this function's WebSocket stage (PARTWISE_PUSH_ENDPOINT), signed with the function's own credentials. */
export function lambdaConnectionsApi(): PushChannel {
  channel ??= connectionsApiChannel({
    endpoint: config.pushEndpoint,
    region: config.awsRegion,
    credentials: () => ({
      accessKeyId: config.awsAccessKeyId,
      secretAccessKey: config.awsSecretAccessKey,
      ...(config.awsSessionToken ? { sessionToken: config.awsSessionToken } : {}),
    }),
  });
  return channel;
}
