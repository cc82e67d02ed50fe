/**
 * The local API Gateway (HTTP API): every request runs the Lambda authorizer (payload 2.0,
 * simple responses, results cached per Authorization header), then the API function with
 * the authorizer's context in `requestContext.authorizer.lambda`. The public routes
 * (`GET /health`, `/openapi.json`, `/docs`: shared/http/public-routes.ts) need no authorizer. `GET /events/stream` is served here from the local bus (in AWS, subscribers
 * get events from EventBridge rules instead); it also takes a browser token as `?token=`,
 * as EventSource sends no header. `POST /local/tokens` mints the page a dev token
 * (local-tokens.ts). The admin routes (`/admin/…`) go to the admin function: IAM-authorized
 * on AWS, here they take the stack's admin key, and the function gets the IAM-shaped
 * context it gets there (docs/auth.md).
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { checkAccess, grantOfContext } from '../../shared/access/policy.js';
import { looksLikeToken } from '../../shared/access/token.js';
import { PartwiseError } from '../../shared/domain/errors.js';
import { problemResponse, toProblem } from '../../shared/http/problem.js';
import {
  ADMIN_PATH_PREFIX,
  LOCAL_TOKEN_ROUTE,
  PUBLIC_ROUTES,
  TOKEN_QUERY_ROUTES,
} from '../../shared/http/public-routes.js';
import { LIVE_FEED_REQUEST } from '../../shared/push/admit.js';
import type { LocalEventBus } from './event-bus.js';
import { type StreamScope, streamEvents } from './event-stream.js';
import {
  PAYLOAD_LIMIT_BYTES,
  problem,
  REQUEST_ID_HEADER,
  toAuthorizerEvent,
  toHttpApiEvent,
  toStructuredResult,
  writeResult,
} from './http-api-event.js';
import type { Invoker } from './lambda.js';
import { callerOf, loopbackRefusal } from './local-tokens.js';
import { describeError, type Logger, silentLogger } from './logger.js';
import { waitAtMost } from './loop.js';
import { PUSH_PATH, pushSocketServer, refuseUpgrade } from './push-socket.js';
import type { LocalSite } from './web-site.js';

export interface ApiGatewayOptions {
  api: Invoker;
  authorizer: Invoker;
  /** The admin routes' function, and the key that stands in for IAM. @default none: `/admin/…` goes to the API function (a 404) */
  admin?: { function: Invoker; key: string };
  /** Source of `GET /events/stream`; without it the route goes to the API function. */
  bus?: LocalEventBus;
  /** The page, served at `/` (web-site.ts); API Gateway has no such thing, CloudFront serves it on AWS. */
  site?: LocalSite;
  /** @default 0 (any free port) */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** How long an allowed authorizer result is reused for the same Authorization header. @default 60 */
  authorizerCacheSeconds?: number;
  /** Routes (`METHOD /path`) that skip the authorizer. @default PUBLIC_ROUTES of shared/http/public-routes.ts */
  publicRoutes?: string[];
  /** Serve `POST /local/tokens`: tokens of this environment, to loopback callers. @default not served */
  localTokens?: { environmentId: string };
  log?: Logger;
}

export interface ApiGateway {
  url: string;
  /** Stops accepting requests, ends event streams, and lets running requests finish for up to `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

type AuthorizerContext = Record<string, unknown>;
type Authorization = { context: AuthorizerContext } | { denied: APIGatewayProxyStructuredResultV2 };

/** The body, or undefined past the payload limit (read to its end, so the client sees the 413). */
async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= PAYLOAD_LIMIT_BYTES) chunks.push(chunk as Buffer);
  }
  return size > PAYLOAD_LIMIT_BYTES ? undefined : Buffer.concat(chunks);
}

/** Whether `header` is `Bearer <key>`, compared in constant time. */
function bearsKey(header: string | undefined, key: string): boolean {
  const given = Buffer.from(/^Bearer\s+(\S+)$/i.exec(header?.trim() ?? '')?.[1] ?? '');
  const expected = Buffer.from(key);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** What an HTTP API's IAM authorizer hands the function, for the local admin. */
const LOCAL_ADMIN_IAM = {
  iam: {
    accessKey: 'local',
    accountId: 'local',
    callerId: 'local-admin',
    cognitoIdentity: null,
    principalOrgId: '',
    userArn: 'arn:partwise:local::admin',
    userId: 'local-admin',
  },
};

/** A refusal as the API would answer it: problem JSON with the request's id. */
function refused(error: unknown, requestId: string): APIGatewayProxyStructuredResultV2 {
  return problemResponse(toProblem(error, requestId));
}

/**
 * What a live feed of events (the SSE stream, the push socket) may carry for a credential:
 * served here, not by the API function, its grant is checked as the API checks
 * `GET /events/stream`.
 */
function streamScopeOf(context: AuthorizerContext, query: Record<string, string | undefined>): StreamScope {
  const grant = grantOfContext(context);
  checkAccess(grant, { ...LIVE_FEED_REQUEST, query }, new Date());
  return {
    environmentId: grant.environmentId,
    ...(grant.credential === 'token' ? { until: grant.expiresAt * 1000 } : {}),
    ...(grant.credential === 'token' && grant.jobId ? { jobId: grant.jobId } : {}),
  };
}

export async function startApiGateway(options: ApiGatewayOptions): Promise<ApiGateway> {
  const log = options.log ?? silentLogger;
  const publicRoutes = new Set(
    options.publicRoutes ?? PUBLIC_ROUTES.map((route) => `${route.method} ${route.path}`),
  );
  const cacheMs = (options.authorizerCacheSeconds ?? 60) * 1000;
  const cache = new Map<string, { context: AuthorizerContext; expiresAt: number }>();
  const streams = new Set<ServerResponse>();

  const takesQueryToken = new Set(TOKEN_QUERY_ROUTES.map((route) => `${route.method} ${route.path}`));

  async function authorize(event: ReturnType<typeof toHttpApiEvent>): Promise<Authorization> {
    const { method, path } = event.requestContext.http;
    const identity =
      event.headers.authorization ??
      (takesQueryToken.has(`${method} ${path}`) ? event.queryStringParameters?.token : undefined);
    const { requestId } = event.requestContext;
    if (!identity) {
      return {
        denied: problem(
          401,
          'Send the API key or a token as "Authorization: Bearer <credential>".',
          requestId,
        ),
      };
    }
    const cached = cache.get(identity);
    if (cached && cached.expiresAt > Date.now()) return { context: cached.context };
    const response = (await options.authorizer.invoke(toAuthorizerEvent(event, identity))) as
      | { isAuthorized?: boolean; context?: AuthorizerContext }
      | undefined;
    if (response?.isAuthorized !== true) {
      return { denied: problem(401, 'The API key or token is not valid.', requestId) };
    }
    const context = response.context ?? {};
    if (cacheMs > 0) cache.set(identity, { context, expiresAt: Date.now() + cacheMs });
    return { context };
  }

  async function handle(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    if (req.method === 'GET' && options.site?.serve(new URL(req.url ?? '/', 'http://local').pathname, res))
      return;
    const body = await readBody(req);
    if (!body) return writeResult(res, problem(413, 'The request body exceeds 10 MB.', requestId));
    const event = toHttpApiEvent(req, body, requestId);
    const { method, path } = event.requestContext.http;
    if (options.admin && path.startsWith(ADMIN_PATH_PREFIX)) {
      if (!bearsKey(event.headers.authorization, options.admin.key)) {
        return writeResult(
          res,
          problem(
            401,
            'The admin routes take the local stack\'s admin key: "Authorization: Bearer <admin key>" (.partwise/admin-key; on AWS, an IAM-signed request).',
            requestId,
          ),
        );
      }
      Object.assign(event.requestContext, { authorizer: LOCAL_ADMIN_IAM });
      return invoke(options.admin.function, event, res, requestId);
    }
    if (options.localTokens && method === LOCAL_TOKEN_ROUTE.method && path === LOCAL_TOKEN_ROUTE.path) {
      const refusal = loopbackRefusal(callerOf(req));
      if (refusal)
        return writeResult(res, refused(new PartwiseError(refusal, 403, 'loopback-only'), requestId));
      // What a team's server does with its key: POST /tokens, for the dev environment.
      event.rawPath = '/tokens';
      event.requestContext.http.path = '/tokens';
      Object.assign(event.requestContext, {
        authorizer: { lambda: { credential: 'api-key', environmentId: options.localTokens.environmentId } },
      });
    } else if (!publicRoutes.has(`${method} ${path}`)) {
      let authorization: Authorization;
      try {
        authorization = await authorize(event);
      } catch (error) {
        log.error(`authorizer failed (request ${requestId})`, describeError(error));
        return writeResult(
          res,
          problem(500, `The authorizer failed (correlation id ${requestId}).`, requestId),
        );
      }
      if ('denied' in authorization) return writeResult(res, authorization.denied);
      if (options.bus && method === 'GET' && path === '/events/stream') {
        let scope: StreamScope;
        try {
          scope = streamScopeOf(authorization.context, event.queryStringParameters ?? {});
        } catch (error) {
          return writeResult(res, refused(error, requestId));
        }
        streams.add(res);
        res.on('close', () => streams.delete(res));
        return streamEvents(req, res, options.bus, scope);
      }
      Object.assign(event.requestContext, { authorizer: { lambda: authorization.context } });
    }
    return invoke(options.api, event, res, requestId);
  }

  async function invoke(
    target: Invoker,
    event: ReturnType<typeof toHttpApiEvent>,
    res: ServerResponse,
    requestId: string,
  ): Promise<void> {
    const { method, path } = event.requestContext.http;
    let result: unknown;
    try {
      result = await target.invoke(event);
    } catch (error) {
      log.error(`${method} ${path}: the function failed (request ${requestId})`, describeError(error));
      return writeResult(res, problem(500, `The function failed (correlation id ${requestId}).`, requestId));
    }
    writeResult(res, toStructuredResult(result));
  }

  // Requests still being handled when the gateway stops get a grace period to finish;
  // event streams are ended at once.
  const inFlight = new Set<Promise<void>>();
  const server: Server = createServer((req, res) => {
    // As API Gateway does: every response names its request.
    const requestId = randomUUID();
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const handled = handle(req, res, requestId).catch((error: unknown) => {
      log.error(`request failed (request ${requestId})`, describeError(error));
      if (!res.headersSent)
        writeResult(res, problem(500, `The request failed (correlation id ${requestId}).`, requestId));
      else res.destroy();
    });
    inFlight.add(handled);
    void handled.finally(() => inFlight.delete(handled));
  });
  // The page's push socket: `/ws?token=` (push-socket.ts), a browser token only.
  const sockets = options.bus ? pushSocketServer(options.bus) : undefined;
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const requestId = randomUUID();
    const refuse = (answer: APIGatewayProxyStructuredResultV2) =>
      refuseUpgrade(socket, answer.statusCode ?? 500, String(answer.body ?? ''));
    const event = toHttpApiEvent(req, Buffer.alloc(0), requestId);
    const token = event.queryStringParameters?.token;
    if (!sockets || event.requestContext.http.path !== PUSH_PATH) {
      return refuse(problem(404, `Nothing here takes a WebSocket but ${PUSH_PATH}.`, requestId));
    }
    if (!token || !looksLikeToken(token)) {
      return refuse(
        problem(
          401,
          `Open ${PUSH_PATH} with a browser token: ${PUSH_PATH}?token=<token> (POST /tokens).`,
          requestId,
        ),
      );
    }
    event.headers.authorization = `Bearer ${token}`;
    authorize(event).then(
      (authorization) => {
        if ('denied' in authorization) return refuse(authorization.denied);
        let scope: StreamScope;
        try {
          scope = streamScopeOf(authorization.context, {});
        } catch (error) {
          return refuse(refused(error, requestId));
        }
        sockets.accept(req, socket, head, scope);
      },
      (error: unknown) => {
        log.error(`authorizer failed (request ${requestId})`, describeError(error));
        refuse(problem(500, `The authorizer failed (correlation id ${requestId}).`, requestId));
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    async stop(graceMs = 5000) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      for (const stream of streams) stream.end();
      sockets?.close();
      await waitAtMost(Promise.allSettled([...inFlight]), graceMs);
      server.closeAllConnections();
      await closed;
    },
  };
}
