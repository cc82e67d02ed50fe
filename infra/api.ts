import { Duration } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  DomainName,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  type HttpRoute,
  HttpStage,
  LogGroupLogDestination,
  PayloadFormatVersion,
} from 'aws-cdk-lib/aws-apigatewayv2';
import {
  HttpIamAuthorizer,
  HttpLambdaAuthorizer,
  HttpLambdaResponseType,
} from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { ADMIN_PATH_PREFIX, PUBLIC_ROUTES } from '../shared/http/public-routes.js';
import { logGroupEncryption } from './encryption.js';
import type { ResolvedJobsServiceProps } from './props.js';

export interface JobsHttpApi {
  api: HttpApi;
  /** The base URL, ending with `/`: the custom domain's when there is one. */
  url: string;
  /** The routes without the authorizer: `GET /health`, `/openapi.json`, `/docs` (shared/http/public-routes.ts). */
  publicRoutes: HttpRoute[];
  /** `ANY /admin/{proxy+}`: the admin function, behind IAM (docs/auth.md). */
  adminRoutes: HttpRoute[];
}

/**
 * The HTTP API: the public routes (`GET /health`, the OpenAPI document and its page) open,
 * the admin routes (`/admin/…`) to the admin function behind IAM, every other request
 * (`$default`) to the api function behind the API key authorizer, with JSON access logs and
 * stage throttling.
 */
export function createHttpApi(
  scope: Construct,
  functions: { api: IFunction; authorizer: IFunction; admin: IFunction },
  p: ResolvedJobsServiceProps,
): JobsHttpApi {
  const authorizer = new HttpLambdaAuthorizer('ApiKeyAuthorizer', functions.authorizer, {
    authorizerName: 'api-key',
    responseTypes: [HttpLambdaResponseType.SIMPLE],
    identitySource: ['$request.header.Authorization'],
    resultsCacheTtl: p.authorizerCacheTtl,
  });
  const integration = new HttpLambdaIntegration('ApiIntegration', functions.api, {
    payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
  });
  const api = new HttpApi(scope, 'Api', {
    description: 'partwise jobs API',
    createDefaultStage: false,
    defaultIntegration: integration,
    defaultAuthorizer: authorizer,
    // API Gateway answers preflight requests itself, before any authorizer.
    corsPreflight: {
      allowOrigins: p.corsOrigins,
      allowMethods: [
        CorsHttpMethod.GET,
        CorsHttpMethod.POST,
        CorsHttpMethod.PUT,
        CorsHttpMethod.PATCH,
        CorsHttpMethod.DELETE,
      ],
      allowHeaders: ['authorization', 'content-type', 'idempotency-key'],
      // retry-after: when a key's rate limit has room again (a 429).
      exposeHeaders: ['location', 'retry-after'],
      maxAge: Duration.hours(1),
    },
  });
  // Administrators sign their requests with SigV4; whoever may execute-api:Invoke these routes
  // manages the keys of every environment. No API key or token is ever taken here.
  const adminRoutes = api.addRoutes({
    path: `${ADMIN_PATH_PREFIX}{proxy+}`,
    methods: [HttpMethod.ANY],
    integration: new HttpLambdaIntegration('AdminIntegration', functions.admin, {
      payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
    }),
    authorizer: new HttpIamAuthorizer(),
  });
  const none = new HttpNoneAuthorizer();
  const publicRoutes = PUBLIC_ROUTES.flatMap((route) =>
    api.addRoutes({ path: route.path, methods: [HttpMethod[route.method]], integration, authorizer: none }),
  );

  const accessLogs = new LogGroup(scope, 'ApiAccessLogs', {
    retention: p.logRetention,
    removalPolicy: p.removalPolicy,
    ...logGroupEncryption(p.encryptionKey),
  });
  const domainName = p.customDomain
    ? new DomainName(scope, 'ApiDomain', {
        domainName: p.customDomain.domainName,
        certificate: p.customDomain.certificate,
      })
    : undefined;
  const stage = new HttpStage(scope, 'ApiStage', {
    httpApi: api,
    stageName: '$default',
    autoDeploy: true,
    throttle: { rateLimit: p.apiThrottle.rateLimit, burstLimit: p.apiThrottle.burstLimit },
    accessLogSettings: {
      destination: new LogGroupLogDestination(accessLogs),
      format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
    },
    ...(domainName ? { domainMapping: { domainName } } : {}),
  });
  const url = p.customDomain ? `https://${p.customDomain.domainName}/` : stage.url;
  return { api, url, publicRoutes, adminRoutes };
}

/** One JSON line per request. https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging-variables.html */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  method: '$context.httpMethod',
  routeKey: '$context.routeKey',
  path: '$context.path',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  latency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  // Set by functions/authorizer.ts in its simple response's context (shared/domain/access.ts Grant).
  environmentId: '$context.authorizer.environmentId',
  credential: '$context.authorizer.credential',
  // Which key (`key_…`): a key's requests, its 429s and its last use, without the key itself.
  keyId: '$context.authorizer.keyId',
  scope: '$context.authorizer.scope',
};
