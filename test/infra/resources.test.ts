import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLE_SCHEMA } from '../../shared/adapters/dynamodb/table-schema.js';
import { getAtt, SYNTH_TIMEOUT_MS, type SynthesizedService, synthesizeJobsService } from './fixture.js';

let synth: SynthesizedService;

beforeAll(() => {
  synth = synthesizeJobsService();
}, SYNTH_TIMEOUT_MS);

describe('JobsService resources', () => {
  describe('the table', () => {
    it('is on demand, encrypted, recoverable to a point in time and protected from deletion', () => {
      synth.template.hasResource('AWS::DynamoDB::Table', {
        Properties: Match.objectLike({
          BillingMode: 'PAY_PER_REQUEST',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          SSESpecification: { SSEEnabled: true },
          DeletionProtectionEnabled: true,
        }),
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
    });

    it('uses the shared key schema, the expiresAt TTL and a NEW_IMAGE stream', () => {
      synth.template.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: [
          { AttributeName: TABLE_SCHEMA.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE_SCHEMA.sortKey, KeyType: 'RANGE' },
        ],
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
      });
    });

    it('has the three global secondary indexes of TABLE_SCHEMA', () => {
      const indexes = Object.values(TABLE_SCHEMA.indexes).map((index) => ({
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      }));
      synth.template.hasResourceProperties('AWS::DynamoDB::Table', { GlobalSecondaryIndexes: indexes });
    });
  });

  describe('the bucket', () => {
    const bucketProps = () =>
      synth.template.toJSON().Resources[synth.logicalId(synth.service.bucket)].Properties;

    it('blocks public access and encrypts every object', () => {
      expect(bucketProps().PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucketProps().BucketEncryption.ServerSideEncryptionConfiguration[0]).toEqual({
        ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' },
      });
    });

    it('refuses requests without TLS (1.2 at least)', () => {
      synth.template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: synth.logicalId(synth.service.bucket) },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            Match.objectLike({ Effect: 'Deny', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
          ]),
        },
      });
    });

    it('lets browsers PUT to presigned upload URLs (CORS)', () => {
      expect(bucketProps().CorsConfiguration.CorsRules).toEqual([
        expect.objectContaining({
          AllowedMethods: expect.arrayContaining(['PUT', 'GET']),
          AllowedOrigins: ['*'],
          AllowedHeaders: ['*'],
          ExposedHeaders: ['ETag'],
        }),
      ]);
    });

    it('expires temporary objects under tmp/ and aborts abandoned multipart uploads', () => {
      expect(bucketProps().LifecycleConfiguration.Rules).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ Prefix: 'tmp/', ExpirationInDays: 7, Status: 'Enabled' }),
          expect.objectContaining({
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
            Status: 'Enabled',
          }),
        ]),
      );
    });

    it('writes server access logs to a private log bucket', () => {
      expect(bucketProps().LoggingConfiguration).toEqual({
        DestinationBucketName: { Ref: synth.logicalId(synth.service.accessLogsBucket) },
        LogFilePrefix: 'bucket/',
      });
    });
  });

  describe('the queues', () => {
    it('encrypts the parts queue and gives it six times the processor timeout to finish a batch', () => {
      synth.template.hasResourceProperties('AWS::SQS::Queue', {
        SqsManagedSseEnabled: true,
        VisibilityTimeout: 6 * 300,
        RedrivePolicy: {
          deadLetterTargetArn: getAtt(synth.logicalId(synth.service.deadLetterQueue)),
          maxReceiveCount: 5,
        },
      });
    });

    it('encrypts every queue and refuses requests without TLS', () => {
      synth.template.allResourcesProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
      synth.template.resourcePropertiesCountIs(
        'AWS::SQS::QueuePolicy',
        {
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            ]),
          },
        },
        4,
      );
    });
  });

  describe('the event bus', () => {
    it('is created when none is given, with an archive of the service’s events for replay', () => {
      synth.template.resourceCountIs('AWS::Events::EventBus', 1);
      synth.template.hasResourceProperties('AWS::Events::Archive', {
        SourceArn: getAtt(synth.logicalId(synth.service.eventBus)),
        EventPattern: { source: ['partwise'] },
        RetentionDays: 365,
      });
    });
  });

  describe('the HTTP API', () => {
    it('authorizes with the authorizer function, cached per Authorization header for 30 s (a revoked key’s grace), with simple responses', () => {
      synth.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
        AuthorizerType: 'REQUEST',
        AuthorizerPayloadFormatVersion: '2.0',
        EnableSimpleResponses: true,
        IdentitySource: ['$request.header.Authorization'],
        AuthorizerResultTtlInSeconds: 30,
        AuthorizerUri: Match.objectLike({
          'Fn::Join': ['', Match.arrayWith([getAtt(synth.logicalId(synth.service.authorizerFunction))])],
        }),
      });
    });

    it('sends every route to the api function behind the authorizer, except the public ones (health, OpenAPI, docs) and the admin routes', () => {
      synth.template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: '$default',
        AuthorizationType: 'CUSTOM',
      });
      for (const route of ['GET /health', 'GET /openapi.json', 'GET /docs', 'GET /docs/renderer.js']) {
        synth.template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
          RouteKey: route,
          AuthorizationType: 'NONE',
        });
      }
      const httpRoutes = Object.values(synth.template.findResources('AWS::ApiGatewayV2::Route')).filter(
        (route) => route.Properties.ApiId.Ref === synth.logicalId(synth.service.api),
      );
      // $default, the four public routes, and ANY /admin/{proxy+} (api-keys.test.ts).
      expect(httpRoutes).toHaveLength(6);
      synth.template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: getAtt(synth.logicalId(synth.service.apiFunction)),
      });
    });

    it('logs every request as JSON and throttles the default stage', () => {
      const stage =
        synth.template.toJSON().Resources[
          Object.keys(synth.template.findResources('AWS::ApiGatewayV2::Stage')).find((id) =>
            id.startsWith('JobsApiStage'),
          ) ?? ''
        ]?.Properties;
      expect(stage.StageName).toBe('$default');
      expect(stage.AutoDeploy).toBe(true);
      expect(stage.DefaultRouteSettings).toEqual({ ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 });
      expect(stage.AccessLogSettings.DestinationArn).toEqual(
        getAtt(expect.stringMatching(/^JobsApiAccessLogs/)),
      );
      expect(JSON.parse(stage.AccessLogSettings.Format)).toMatchObject({
        requestId: '$context.requestId',
        status: '$context.status',
        routeKey: '$context.routeKey',
        // Who called: the environment, and an API key or a token of which scope (docs/auth.md).
        environmentId: '$context.authorizer.environmentId',
        keyId: '$context.authorizer.keyId',
        credential: '$context.authorizer.credential',
        scope: '$context.authorizer.scope',
      });
    });

    it('answers CORS preflights for the configured origins', () => {
      synth.template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
        ProtocolType: 'HTTP',
        CorsConfiguration: Match.objectLike({
          AllowOrigins: ['*'],
          AllowHeaders: Match.arrayWith(['authorization', 'content-type', 'idempotency-key']),
        }),
      });
    });
  });

  describe('the sweeper', () => {
    it('runs every five minutes', () => {
      synth.template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: 'rate(5 minutes)',
        Targets: [Match.objectLike({ Arn: getAtt(synth.logicalId(synth.service.sweeperFunction)) })],
      });
    });
  });

  describe('the log groups', () => {
    it('keep logs for a month by default and survive the stack', () => {
      // One per function (ten) and the API's access logs.
      synth.template.resourceCountIs('AWS::Logs::LogGroup', 11);
      synth.template.allResources('AWS::Logs::LogGroup', {
        Properties: { RetentionInDays: 30 },
        DeletionPolicy: 'Retain',
      });
    });
  });
});
