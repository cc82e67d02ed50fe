import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_KEYS } from '../../infra/function-specs.js';
import type { JobsService } from '../../infra/jobs-service.js';
import { getAtt, SYNTH_TIMEOUT_MS, type SynthesizedService, synthesizeJobsService } from './fixture.js';
import { allowedActions, allows, type Request, type Statement, statementsOfRole } from './iam.js';

/**
 * API keys on AWS (docs/auth.md): the admin routes behind IAM with their own function, which
 * alone writes key items; the key secret, read by that function and the authorizer alone and
 * kept with the data; the api function's rate counters beside, never on, the key items.
 */
let synth: SynthesizedService;
let table: string;

beforeAll(() => {
  synth = synthesizeJobsService();
  table = synth.logicalId(synth.service.table);
}, SYNTH_TIMEOUT_MS);

function policyOf(pick: (s: JobsService) => IFunction): Statement[] {
  const fn = pick(synth.service);
  if (!fn.role) throw new Error('function without role');
  return statementsOfRole(synth.template, synth.logicalId(fn.role));
}

const item = (action: string, leadingKey: string): Request => ({
  action,
  resource: `arn(${table})`,
  leadingKeys: [leadingKey],
});
const KEY_ITEM = 'KEY#key_0123456789abcdef';
const KEY_LIST = 'KEY#ENV#env_production';
const listKeys = (leadingKey = KEY_LIST): Request => ({
  action: 'dynamodb:Query',
  resource: `arn(${table})/index/byEnvironment`,
  leadingKeys: [leadingKey],
});
const readSecret = (pick: (s: JobsService) => ISecret): Request => ({
  action: 'secretsmanager:GetSecretValue',
  resource: `ref(${synth.logicalId(pick(synth.service))})`,
});

describe('the admin routes', () => {
  it('are IAM-authorized (SigV4), every method and path under /admin/, and go to the admin function', () => {
    const routes = synth.template.findResources('AWS::ApiGatewayV2::Route', {
      Properties: { RouteKey: 'ANY /admin/{proxy+}' },
    });
    const [route] = Object.values(routes);
    expect(Object.keys(routes)).toHaveLength(1);
    expect(route?.Properties.AuthorizationType).toBe('AWS_IAM');
    expect(route?.Properties.AuthorizerId).toBeUndefined();
    const target = JSON.stringify(route?.Properties.Target);
    const integrations = synth.template.findResources('AWS::ApiGatewayV2::Integration', {
      Properties: { IntegrationUri: getAtt(synth.logicalId(synth.service.adminFunction)) },
    });
    const [integrationId] = Object.keys(integrations);
    expect(integrationId).toBeDefined();
    expect(target).toContain(integrationId);
  });

  it('leave every other route to the API key authorizer (the $default route) or open (the public ones)', () => {
    const routes = Object.values(synth.template.findResources('AWS::ApiGatewayV2::Route')).filter(
      (route) => route.Properties.ApiId.Ref === synth.logicalId(synth.service.api),
    );
    const byType = Object.fromEntries(
      routes.map((route) => [route.Properties.RouteKey, route.Properties.AuthorizationType]),
    );
    expect(byType).toMatchObject({ $default: 'CUSTOM', 'ANY /admin/{proxy+}': 'AWS_IAM' });
    expect(Object.values(byType).filter((type) => type === 'AWS_IAM')).toHaveLength(1);
  });

  it('expose Retry-After to browsers, for the 429 of a key’s rate limit', () => {
    const api = Object.values(synth.template.findResources('AWS::ApiGatewayV2::Api')).find(
      (resource) => resource.Properties.ProtocolType === 'HTTP',
    );
    expect(api?.Properties.CorsConfiguration.ExposeHeaders).toContain('retry-after');
  });
});

describe('the admin function', () => {
  it('reads and writes API key items only, lists them by environment, and reads the key secret', () => {
    const policy = policyOf((s) => s.adminFunction);
    expect(allowedActions(policy)).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'secretsmanager:GetSecretValue',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
    for (const action of [
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
    ])
      expect(allows(policy, item(action, KEY_ITEM)), action).toBe(true);
    expect(allows(policy, listKeys())).toBe(true);
    expect(allows(policy, item('dynamodb:GetItem', 'JOB#01JABC'))).toBe(false);
    expect(allows(policy, item('dynamodb:UpdateItem', 'RATE#key_0123456789abcdef'))).toBe(false);
    expect(allows(policy, listKeys('ENV#env_production#JOB'))).toBe(false);
    expect(allows(policy, { action: 'dynamodb:Scan', resource: `arn(${table})` })).toBe(false);
    expect(
      allows(
        policy,
        readSecret((s) => s.keySecret),
      ),
    ).toBe(true);
    expect(
      allows(
        policy,
        readSecret((s) => s.tokenSecret),
      ),
    ).toBe(false);
  });
});

describe('the key secret', () => {
  it('is generated, and kept as the data is: a new one refuses every key there is', () => {
    synth.template.hasResource('AWS::SecretsManager::Secret', {
      Properties: {
        Description: 'partwise: the API keys are stored as HMAC-SHA256 under it',
        GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true, IncludeSpace: false },
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('is read by the authorizer (which checks keys) and the admin function (which creates them) alone', () => {
    const functions = Object.fromEntries(
      FUNCTION_KEYS.map((key) => [key, (s: JobsService) => s.functions[key]]),
    );
    const readers = Object.entries(functions)
      .filter(([, pick]) =>
        allows(
          policyOf(pick),
          readSecret((s) => s.keySecret),
        ),
      )
      .map(([name]) => name);
    expect(readers).toEqual(['authorizer', 'admin']);
  });

  it('acknowledges its lack of a rotation schedule with the reason: keys rotate one by one instead', () => {
    const acknowledged = synth.service.nagAcknowledgements.filter(
      (a) => a.id === 'AwsSolutions-SMG4' && a.scope === synth.service.keySecret,
    );
    expect(acknowledged).toHaveLength(1);
    expect(acknowledged[0]?.reason).toMatch(/every key[\s\S]*\/admin\/keys\/:id\/rotate/);
  });
});

describe('the api function', () => {
  it('counts requests against a key’s rate limit on RATE# items, and still never touches a key item or lists keys', () => {
    const policy = policyOf((s) => s.apiFunction);
    expect(allows(policy, item('dynamodb:UpdateItem', 'RATE#key_0123456789abcdef'))).toBe(true);
    expect(allows(policy, item('dynamodb:GetItem', KEY_ITEM))).toBe(false);
    expect(allows(policy, item('dynamodb:UpdateItem', KEY_ITEM))).toBe(false);
    expect(allows(policy, listKeys())).toBe(false);
  });
});

describe('the authorizer cache', () => {
  it('holds an answer 30 s by default: how long a revoked key may keep working', () => {
    expect(synth.service.settings.authorizerCacheTtl.toSeconds()).toBe(30);
  });
});
