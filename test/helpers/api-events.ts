import type { APIGatewayRequestAuthorizerEventV2, Context } from 'aws-lambda';
import type { Grant } from '../../shared/domain/access.js';
import type { ApiEvent } from '../../shared/http/request.js';

export interface ApiEventOptions {
  method: string;
  path: string;
  /** What the authorizer resolved. */
  grant: Grant;
  body?: unknown;
  query?: Record<string, string>;
}

/** An HTTP API (payload 2.0) event as API Gateway hands it to the api function, after the authorizer. */
export function apiEvent({ method, path, grant, body, query }: ApiEventOptions): ApiEvent {
  const rawQueryString = new URLSearchParams(query).toString();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(query ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'test',
      authorizer: { lambda: grant },
      domainName: 'test.local',
      domainPrefix: 'test',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: 'request-1',
      routeKey: '$default',
      stage: '$default',
      time: '28/Nov/2026:10:00:00 +0000',
      timeEpoch: Date.parse('2026-11-28T10:00:00Z'),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    isBase64Encoded: false,
  };
}

/** The Lambda context of an invocation, as a handler receives it. */
export function lambdaContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'partwise-api',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:partwise-api',
    memoryLimitInMB: '1024',
    awsRequestId: 'invocation-1',
    logGroupName: '/aws/lambda/partwise-api',
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 29_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** The event a REQUEST authorizer (payload 2.0) receives for a GET of `path`. */
export function authorizerEvent(
  path: string,
  headers: Record<string, string>,
  query?: Record<string, string>,
): APIGatewayRequestAuthorizerEventV2 {
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: `arn:aws:execute-api:us-east-1:000000000000:api/$default/GET${path}`,
    identitySource: [headers.authorization ?? query?.token ?? ''],
    routeKey: '$default',
    rawPath: path,
    rawQueryString: new URLSearchParams(query).toString(),
    cookies: [],
    headers,
    ...(query ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'test',
      domainName: 'test.local',
      domainPrefix: 'test',
      http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: 'request-1',
      routeKey: '$default',
      stage: '$default',
      time: '28/Nov/2026:10:00:00 +0000',
      timeEpoch: Date.parse('2026-11-28T10:00:00Z'),
    },
  };
}
