import { RemovalPolicy } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { PUSH_STAGE_NAME } from '../../infra/push.js';
import { CONNECTIONS_TABLE_SCHEMA } from '../../shared/adapters/dynamodb/connections-schema.js';
import { JOB_TOPICS } from '../../shared/domain/events.js';
import { getAtt, SYNTH_TIMEOUT_MS, type SynthesizedService, synthesizeJobsService } from './fixture.js';

let synth: SynthesizedService;
let withLogs: SynthesizedService;

beforeAll(() => {
  synth = synthesizeJobsService();
  withLogs = synthesizeJobsService({ pushAccessLogs: true, removalPolicy: RemovalPolicy.RETAIN });
}, SYNTH_TIMEOUT_MS);

const resourcesOf = (s: SynthesizedService, type: string, apiId: string) =>
  Object.values(s.template.findResources(type)).filter((r) => r.Properties.ApiId?.Ref === apiId);

describe('push to browsers', () => {
  describe('the WebSocket API', () => {
    it('routes $connect behind the token authorizer and $disconnect to the connections function, nothing else', () => {
      // Prepare
      const apiId = synth.logicalId(synth.service.pushApi);
      const routes = resourcesOf(synth, 'AWS::ApiGatewayV2::Route', apiId).map((r) => r.Properties);
      const authorizerId = Object.keys(synth.template.findResources('AWS::ApiGatewayV2::Authorizer')).find(
        (id) => id.includes('PushTokenAuthorizer'),
      );

      // Assess
      synth.template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
        ProtocolType: 'WEBSOCKET',
        RouteSelectionExpression: '$request.body.action',
      });
      expect(routes.map((r) => `${r.RouteKey} ${r.AuthorizationType}`).sort()).toEqual([
        '$connect CUSTOM',
        '$disconnect NONE',
      ]);
      expect(routes.find((r) => r.RouteKey === '$connect')?.AuthorizerId).toEqual({ Ref: authorizerId });
      const integrations = resourcesOf(synth, 'AWS::ApiGatewayV2::Integration', apiId);
      expect(integrations.map((i) => i.Properties.IntegrationType)).toEqual(['AWS_PROXY']);
      expect(JSON.stringify(integrations[0]?.Properties.IntegrationUri)).toContain(
        synth.logicalId(synth.service.pushConnectionsFunction),
      );
    });

    it('authorizes $connect with a REQUEST authorizer on ?token= (a handshake without one never reaches a function)', () => {
      synth.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
        ApiId: { Ref: synth.logicalId(synth.service.pushApi) },
        AuthorizerType: 'REQUEST',
        IdentitySource: ['route.request.querystring.token'],
        AuthorizerUri: Match.objectLike({
          'Fn::Join': ['', Match.arrayWith([getAtt(synth.logicalId(synth.service.pushAuthorizerFunction))])],
        }),
      });
      // WebSocket authorizers have no result cache: each $connect is checked, expiry included.
      const [authorizer] = resourcesOf(
        synth,
        'AWS::ApiGatewayV2::Authorizer',
        synth.logicalId(synth.service.pushApi),
      );
      expect(authorizer?.Properties.AuthorizerResultTtlInSeconds).toBeUndefined();
    });

    it('lets API Gateway invoke the authorizer and the connections function', () => {
      for (const fn of [synth.service.pushAuthorizerFunction, synth.service.pushConnectionsFunction]) {
        synth.template.hasResourceProperties('AWS::Lambda::Permission', {
          Action: 'lambda:InvokeFunction',
          Principal: 'apigateway.amazonaws.com',
          FunctionName: getAtt(synth.logicalId(fn)),
        });
      }
    });

    it('deploys the push stage, throttled as the HTTP API, at the URL the page is given', () => {
      const [stage] = resourcesOf(synth, 'AWS::ApiGatewayV2::Stage', synth.logicalId(synth.service.pushApi));
      expect(stage?.Properties).toMatchObject({
        StageName: PUSH_STAGE_NAME,
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
      });
      expect(stage?.Properties.AccessLogSettings).toBeUndefined();
      expect(synth.stack.resolve(synth.service.pushUrl)).toEqual({
        'Fn::Join': [
          '',
          [
            'wss://',
            { Ref: synth.logicalId(synth.service.pushApi) },
            '.execute-api.',
            { Ref: 'AWS::Region' },
            '.',
            { Ref: 'AWS::URLSuffix' },
            `/${PUSH_STAGE_NAME}`,
          ],
        ],
      });
    });

    it('writes access logs when asked, as JSON lines that never hold the token', () => {
      const apiId = withLogs.logicalId(withLogs.service.pushApi);
      const [stage] = resourcesOf(withLogs, 'AWS::ApiGatewayV2::Stage', apiId);
      const settings = stage?.Properties.AccessLogSettings;
      expect(settings.DestinationArn).toEqual(getAtt(expect.stringMatching(/^JobsPushAccessLogs/)));
      const format = JSON.parse(settings.Format);
      expect(format).toMatchObject({
        eventType: '$context.eventType',
        connectionId: '$context.connectionId',
        status: '$context.status',
        environmentId: '$context.authorizer.environmentId',
      });
      expect(settings.Format).not.toMatch(/querystring|token|requestOverride/i);
    });
  });

  describe('the connections table', () => {
    it('is keyed by connection id, on demand, encrypted, recoverable, with the token expiry as TTL', () => {
      synth.template.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: [{ AttributeName: CONNECTIONS_TABLE_SCHEMA.partitionKey, KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: {
          AttributeName: CONNECTIONS_TABLE_SCHEMA.timeToLiveAttribute,
          Enabled: true,
        },
      });
    });

    it("finds an environment's connections through the byEnvironment index, whole items projected", () => {
      const table = synth.template.toJSON().Resources[synth.logicalId(synth.service.connectionsTable)];
      expect(table.Properties.GlobalSecondaryIndexes).toEqual([
        {
          IndexName: CONNECTIONS_TABLE_SCHEMA.indexes.byEnvironment.indexName,
          KeySchema: [
            { AttributeName: CONNECTIONS_TABLE_SCHEMA.indexes.byEnvironment.partitionKey, KeyType: 'HASH' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ]);
      expect(table.Properties.StreamSpecification).toBeUndefined();
    });

    it('goes with the stack even when the data is retained: it holds nothing that outlives a connection', () => {
      const table =
        withLogs.template.toJSON().Resources[withLogs.logicalId(withLogs.service.connectionsTable)];
      expect(table.DeletionPolicy).toBe('Delete');
      expect(table.Properties.DeletionProtectionEnabled).toBeUndefined();
      const jobs = withLogs.template.toJSON().Resources[withLogs.logicalId(withLogs.service.table)];
      expect(jobs.DeletionPolicy).toBe('Retain');
    });
  });

  describe('the fan-out', () => {
    it("receives every job topic of the service's source put on its bus by this account", () => {
      synth.template.hasResourceProperties('AWS::Events::Rule', {
        EventBusName: { Ref: synth.logicalId(synth.service.eventBus) },
        EventPattern: {
          source: ['partwise'],
          'detail-type': [...JOB_TOPICS],
          account: [{ Ref: 'AWS::AccountId' }],
        },
        Targets: [
          Match.objectLike({
            Arn: getAtt(synth.logicalId(synth.service.pushFanOutFunction)),
            RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 600 },
          }),
        ],
      });
      synth.template.hasResourceProperties('AWS::Lambda::Permission', {
        Principal: 'events.amazonaws.com',
        FunctionName: getAtt(synth.logicalId(synth.service.pushFanOutFunction)),
      });
    });

    it('gives up on a pushed event after ten minutes: a late frame is worth little to a page that re-reads its job', () => {
      synth.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: synth.logicalId(synth.service.pushFanOutFunction) },
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 600,
      });
    });

    it('is watched for errors and throttles, as the push socket functions are', () => {
      const { pushAuthorizerFunction, pushConnectionsFunction, pushFanOutFunction } = synth.service;
      for (const fn of [pushAuthorizerFunction, pushConnectionsFunction, pushFanOutFunction]) {
        for (const metric of ['Errors', 'Throttles']) {
          synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
            MetricName: metric,
            Dimensions: [{ Name: 'FunctionName', Value: { Ref: synth.logicalId(fn) } }],
          });
        }
      }
    });
  });
});
