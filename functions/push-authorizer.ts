import middy from '@middy/core';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { extensionTokenSecret } from '../shared/adapters/secrets-manager/token-secret.js';
import { logger } from '../shared/logger.js';
import { observed } from '../shared/observability.js';
import { admitPushToken } from '../shared/push/admit.js';

const tokenSecret = extensionTokenSecret();

/**
 * The WebSocket API's `$connect` authorizer (a REQUEST authorizer, identity source
 * `route.request.querystring.token`): a browser token → an IAM policy on the route's
 * `methodArn`, with the grant in its context for the `$connect` route. A WebSocket authorizer
 * answers with a policy, not the HTTP API's simple response; a refusal is a Deny (403) rather
 * than a thrown "Unauthorized" (401), which Lambda would count as a function error and alarm on.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-lambda-auth.html
 */
const admit = async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
  const admission = await admitPushToken(event.queryStringParameters?.token, tokenSecret, new Date());
  if (!admission.admitted) {
    logger.info('push socket refused', {
      reason: admission.reason,
      correlation_id: event.requestContext?.requestId,
    });
    return policy('refused', 'Deny', event.methodArn);
  }
  const { grant } = admission;
  return {
    ...policy(grant.environmentId, 'Allow', event.methodArn),
    // Context values must be strings, numbers or booleans, and arrive as strings.
    context: {
      credential: grant.credential,
      environmentId: grant.environmentId,
      scope: grant.scope,
      ...(grant.jobId === undefined ? {} : { jobId: grant.jobId }),
      expiresAt: grant.expiresAt,
    },
  };
};

function policy(
  principalId: string,
  effect: 'Allow' | 'Deny',
  methodArn: string,
): APIGatewayAuthorizerResult {
  return {
    principalId,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: methodArn }],
    },
  };
}

export const handler = middy(admit).use(observed());
