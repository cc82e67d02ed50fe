/**
 * The translation API Gateway (HTTP API, payload format 2.0) does between HTTP and a
 * Lambda function: a request becomes an event, the function's result becomes a response.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type {
  APIGatewayEventRequestContextV2,
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  APIGatewayRequestAuthorizerEventV2,
} from 'aws-lambda';
import { problemResponse, statusProblem } from '../../shared/http/problem.js';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './lambda.js';

/** API Gateway's payload limit. https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html */
export const PAYLOAD_LIMIT_BYTES = 10 * 1024 * 1024;

const API_ID = 'local';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Bodies of these types reach the function as text; any other body as base64. */
export function isTextContentType(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return (
    type === 'application/json' ||
    type === 'application/x-ndjson' ||
    type.startsWith('text/') ||
    type.endsWith('+json')
  );
}

/** `12/Mar/2020:19:03:58 +0000`, API Gateway's request time format. */
function requestTime(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return (
    `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}

/**
 * The id API Gateway gives a request: in `requestContext.requestId` of the event, and in
 * the `apigw-requestid` header of the response (the API adds it as `x-correlation-id` too).
 */
export const REQUEST_ID_HEADER = 'apigw-requestid';

export function toHttpApiEvent(
  req: IncomingMessage,
  body: Buffer,
  requestId: string = randomUUID(),
): APIGatewayProxyEventV2 {
  const now = new Date();
  const url = new URL(req.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name === 'cookie') continue;
    headers[name] = Array.isArray(value) ? value.join(',') : value; // Node lower-cases names
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) {
    query[name] = query[name] === undefined ? value : `${query[name]},${value}`;
  }
  const cookies = req.headers.cookie
    ?.split(';')
    .map((cookie) => cookie.trim())
    .filter(Boolean);
  const requestContext: APIGatewayEventRequestContextV2 = {
    accountId: LOCAL_ACCOUNT,
    apiId: API_ID,
    domainName: headers.host ?? 'localhost',
    domainPrefix: (headers.host ?? 'localhost').split('.')[0] ?? 'localhost',
    http: {
      method: req.method ?? 'GET',
      path: url.pathname,
      protocol: `HTTP/${req.httpVersion}`,
      sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
      userAgent: headers['user-agent'] ?? '',
    },
    requestId,
    routeKey: '$default',
    stage: '$default',
    time: requestTime(now),
    timeEpoch: now.getTime(),
  };
  const text = isTextContentType(headers['content-type']);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies?.length ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    requestContext,
    ...(body.length > 0 ? { body: body.toString(text ? 'utf8' : 'base64') } : {}),
    isBase64Encoded: body.length > 0 && !text,
  };
}

/** The event a REQUEST authorizer receives for the same request. */
export function toAuthorizerEvent(
  event: APIGatewayProxyEventV2,
  identity: string,
): APIGatewayRequestAuthorizerEventV2 {
  const { http } = event.requestContext;
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: `arn:aws:execute-api:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${API_ID}/$default/${http.method}${http.path}`,
    identitySource: [identity],
    routeKey: event.routeKey,
    rawPath: event.rawPath,
    rawQueryString: event.rawQueryString,
    cookies: event.cookies ?? [],
    headers: event.headers,
    ...(event.queryStringParameters ? { queryStringParameters: event.queryStringParameters } : {}),
    requestContext: event.requestContext,
  };
}

/**
 * Normalizes what a function returned. An object with a `statusCode` is a structured
 * response; anything else (a string, an object) is a JSON body with status 200.
 */
export function toStructuredResult(result: unknown): APIGatewayProxyStructuredResultV2 {
  if (typeof result === 'object' && result !== null && 'statusCode' in result) {
    return result as APIGatewayProxyStructuredResultV2;
  }
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: typeof result === 'string' ? result : JSON.stringify(result ?? null),
  };
}

export function writeResult(res: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, String(value));
  if (result.cookies?.length) res.setHeader('set-cookie', result.cookies);
  const body = Buffer.from(result.body ?? '', result.isBase64Encoded ? 'base64' : 'utf8');
  res.statusCode = result.statusCode ?? 200;
  res.setHeader('content-length', body.length);
  res.end(body);
}

/**
 * An RFC 9457 problem in the API's own scheme (`urn:partwise:problem:<code>`; where AWS
 * answers plain JSON), with the request's id as its correlation id.
 */
export function problem(
  status: number,
  detail: string,
  correlationId: string,
): APIGatewayProxyStructuredResultV2 {
  return problemResponse(statusProblem(status, detail, correlationId));
}
