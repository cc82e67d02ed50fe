/**
 * Push to browsers (docs/events.md): a WebSocket API whose `$connect` takes a browser token,
 * the connections table behind it, and the rule that feeds every job event to the fan-out
 * function, which posts it to the connections that may read it.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  LogGroupLogDestination,
  WebSocketApi,
  type WebSocketRoute,
  WebSocketStage,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { JOB_TOPICS } from '../shared/domain/events.js';
import { logGroupEncryption } from './encryption.js';
import type { ResolvedJobsServiceProps } from './props.js';

/** The stage of the push socket: `wss://<api id>.execute-api.<region>.amazonaws.com/push`. */
export const PUSH_STAGE_NAME = 'push';

export interface JobsPushApi {
  api: WebSocketApi;
  stage: WebSocketStage;
  /** `$disconnect`: API Gateway allows an authorizer on `$connect` only. */
  disconnectRoute: WebSocketRoute;
}

/**
 * The WebSocket API: `$connect` behind the token authorizer (identity source `?token=`, so
 * API Gateway refuses a handshake without one before any function runs), `$connect` and
 * `$disconnect` to the connections function, no other route (the client sends nothing), the
 * stage throttled as the HTTP API's.
 */
export function createPushApi(
  scope: Construct,
  functions: { authorizer: IFunction; connections: IFunction },
  p: ResolvedJobsServiceProps,
): JobsPushApi {
  const integration = new WebSocketLambdaIntegration('PushConnectionsIntegration', functions.connections);
  const api = new WebSocketApi(scope, 'PushApi', { description: 'partwise: job events pushed to browsers' });
  api.addRoute('$connect', {
    integration,
    authorizer: new WebSocketLambdaAuthorizer('PushTokenAuthorizer', functions.authorizer, {
      authorizerName: 'browser-token',
      identitySource: ['route.request.querystring.token'],
    }),
  });
  const disconnectRoute = api.addRoute('$disconnect', { integration });

  const accessLogs = p.pushAccessLogs
    ? new LogGroup(scope, 'PushAccessLogs', {
        retention: p.logRetention,
        removalPolicy: p.removalPolicy,
        ...logGroupEncryption(p.encryptionKey),
      })
    : undefined;
  const stage = new WebSocketStage(scope, 'PushStage', {
    webSocketApi: api,
    stageName: PUSH_STAGE_NAME,
    autoDeploy: true,
    throttle: { rateLimit: p.apiThrottle.rateLimit, burstLimit: p.apiThrottle.burstLimit },
    ...(accessLogs
      ? {
          accessLogSettings: {
            destination: new LogGroupLogDestination(accessLogs),
            format: AccessLogFormat.custom(JSON.stringify(PUSH_ACCESS_LOG_FIELDS)),
          },
        }
      : {}),
  });
  return { api, stage, disconnectRoute };
}

/**
 * One JSON line per connect, disconnect and refused handshake: never the query string, which
 * holds the token. https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-api-logging.html
 */
export const PUSH_ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  eventType: '$context.eventType',
  routeKey: '$context.routeKey',
  connectionId: '$context.connectionId',
  status: '$context.status',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  // Set by functions/push-authorizer.ts in its policy's context.
  environmentId: '$context.authorizer.environmentId',
  scope: '$context.authorizer.scope',
};

/**
 * Every job event of the service's own `source`, put on the bus by this account, to the
 * fan-out. A pushed event is worth little late (the page reads its job again whenever it
 * reconnects), so deliveries are retried briefly.
 */
export function connectPushFanOut(
  scope: Construct,
  bus: IEventBus,
  fanOut: IFunction,
  p: ResolvedJobsServiceProps,
): Rule {
  // The function's own retries, for a fan-out that could not list the connections (it sent nothing).
  fanOut.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.minutes(10) });
  return new Rule(scope, 'PushRule', {
    description: 'partwise: job events to the browsers that watch them',
    eventBus: bus,
    eventPattern: {
      source: [p.eventSource],
      detailType: [...JOB_TOPICS],
      // Another account allowed to put on a shared bus cannot push to partwise's browsers.
      account: [Stack.of(scope).account],
    },
    targets: [new LambdaFunction(fanOut, { retryAttempts: 2, maxEventAge: Duration.minutes(10) })],
  });
}
