import { App, CfnParameter, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { beforeAll, describe, expect, it } from 'vitest';
import { JobsServicePropsError } from '../../infra/errors.js';
import { JobsService, type JobsServiceProps } from '../../infra/jobs-service.js';
import { JOBS_SERVICE_DEFAULTS, resolveJobsServiceProps } from '../../infra/props.js';
import { CONTEXT_KEYS, jobsServicePropsFromContext } from '../../infra/stack.js';
import { ENV } from '../../shared/config.js';
import { SYNTH_TIMEOUT_MS, testApp } from './fixture.js';

const BUS_ARN = 'arn:aws:events:eu-west-1:111122223333:event-bus/platform';
const CERTIFICATE_ARN = 'arn:aws:acm:eu-west-1:111122223333:certificate/0b2c8f4e-1111-2222-3333-444455556666';

describe('JobsService props', () => {
  describe('validation', () => {
    it('reports every conflict in one error', () => {
      // Prepare
      const props = {
        eventSource: 'aws.partwise',
        processorTimeout: Duration.minutes(20),
        processorMaxConcurrency: 1,
        processorBatchSize: 11,
        processorMemorySize: 100,
        defaultPartSizeBytes: 10,
        distributedPlanningBytes: -1,
        corsOrigins: ['*', 'https://app.example.com/upload'],
        sweepInterval: Duration.seconds(30),
        authorizerCacheTtl: Duration.hours(2),
        eventRetention: Duration.hours(12),
        apiThrottle: { rateLimit: 0, burstLimit: 1.5 },
        customDomain: {
          domainName: 'not a host',
          certificate: Certificate.fromCertificateArn(new Stack(), 'C', CERTIFICATE_ARN),
        },
      };

      // Act
      let error: unknown;
      try {
        new JobsService(new Stack(new App(), 'Invalid'), 'Jobs', props);
      } catch (e) {
        error = e;
      }

      // Assess
      expect(error).toBeInstanceOf(JobsServicePropsError);
      const { problems, message } = error as JobsServicePropsError;
      const expected = [
        'eventSource must not start with "aws."',
        'processorTimeout must be whole seconds from 1 s to 15 minutes, got 1200 s',
        'processorMaxConcurrency',
        'processorBatchSize',
        'processorMemorySize',
        'defaultPartSizeBytes must be an integer of at least 1024, got 10',
        'distributedPlanningBytes (0: every file is planned in one function) must be an integer from 0',
        'corsOrigins must be ["*"] alone',
        'corsOrigins entries must be "*" or an origin',
        'sweepInterval must be whole minutes',
        'authorizerCacheTtl must be whole seconds from 0 to 3600',
        'eventRetention must be a whole number of days',
        'apiThrottle.rateLimit must be positive',
        'apiThrottle.burstLimit must be a positive integer',
        'customDomain.domainName must be a host name',
      ];
      expect(problems).toHaveLength(expected.length);
      for (const problem of expected) expect(message).toContain(problem);
      expect(message).toMatch(/^Invalid JobsService props \(15\):/);
    });

    it("reports the site's domain problems with the others: its shape, the API's own name, a certificate outside us-east-1", () => {
      // Prepare
      const stack = new Stack(new App(), 'InvalidSite');
      const inEurope = Certificate.fromCertificateArn(stack, 'Europe', CERTIFICATE_ARN);
      const attempt = (props: JobsServiceProps) => {
        try {
          new JobsService(new Stack(new App(), 'Invalid'), 'Jobs', props);
        } catch (e) {
          return e as JobsServicePropsError;
        }
        throw new Error('no error');
      };

      // Act
      const sameName = attempt({
        customDomain: { domainName: 'jobs.example.com', certificate: inEurope },
        webApp: { customDomain: { domainName: 'Jobs.example.com', certificate: inEurope } },
      });
      const badName = attempt({
        webApp: { customDomain: { domainName: 'not a host', certificate: inEurope } },
      });

      // Assess
      expect(sameName.problems).toEqual([
        'webApp.customDomain.domainName must differ from customDomain.domainName (the API\'s), both are "Jobs.example.com"',
        'webApp.customDomain.certificate must be in us-east-1 (CloudFront takes no other region), got one in eu-west-1',
      ]);
      expect(badName.problems).toEqual([
        'webApp.customDomain.domainName must be a host name like "app.example.com", got "not a host"',
        'webApp.customDomain.certificate must be in us-east-1 (CloudFront takes no other region), got one in eu-west-1',
      ]);
    });

    it('takes webApp true for a site of the defaults, and leaves it out when false', () => {
      expect(resolveJobsServiceProps({ webApp: true }).webApp).toEqual({});
      expect(resolveJobsServiceProps({ webApp: false }).webApp).toBeUndefined();
      expect(resolveJobsServiceProps().webApp).toBeUndefined();
      expect(resolveJobsServiceProps().pushAccessLogs).toBe(false);
    });

    it('fills in the documented defaults', () => {
      const resolved = resolveJobsServiceProps();
      expect(resolved).toMatchObject({
        eventSource: 'partwise',
        processorMemorySize: 1769,
        processorMaxConcurrency: 40,
        defaultPartSizeBytes: 32 * 1024 * 1024,
        removalPolicy: RemovalPolicy.RETAIN,
        logRetention: RetentionDays.ONE_MONTH,
        logLevel: 'INFO',
        corsOrigins: ['*'],
        bundleAwsSdk: false,
      });
      expect(resolved.processorTimeout.toSeconds()).toBe(300);
      expect(resolved.eventBus).toBeUndefined();
      expect(resolved.alarmTopic).toBeUndefined();
    });

    it('does not let one service’s defaults leak into another’s', () => {
      resolveJobsServiceProps().corsOrigins.push('https://mutated.example.com');
      expect(resolveJobsServiceProps().corsOrigins).toEqual(['*']);
      expect(JOBS_SERVICE_DEFAULTS.corsOrigins).toEqual(['*']);
    });

    it('checks the dispatch window and the environment caps together', () => {
      const problemsOf = (props: JobsServiceProps) => {
        try {
          resolveJobsServiceProps(props);
          return [];
        } catch (error) {
          if (!(error instanceof JobsServicePropsError)) throw error;
          return error.problems;
        }
      };
      expect(problemsOf({ partsInFlightPerJob: 0, partsInFlightPerEnvironment: 10 })).toEqual([
        expect.stringContaining('need partsInFlightPerJob above 0'),
      ]);
      expect(
        problemsOf({ partsInFlightPerJob: -1, environmentPartsInFlight: { env_bulk: 0, 'not an env': 5 } }),
      ).toEqual([
        expect.stringContaining('partsInFlightPerJob (0 turns the window off) must be an integer'),
        'environmentPartsInFlight.env_bulk must be an integer from 1 to 100000, got 0',
        'environmentPartsInFlight keys must be environment ids (env_…), got "not an env"',
      ]);
      expect(
        problemsOf({ partsInFlightPerEnvironment: 100, environmentPartsInFlight: { env_bulk: 20 } }),
      ).toEqual([]);
      expect(resolveJobsServiceProps()).toMatchObject({
        processorMaxConcurrency: 40,
        partsInFlightPerJob: 20,
        partsInFlightPerEnvironment: 0,
        environmentPartsInFlight: {},
      });
    });

    it('keeps a job’s window below the processors’ concurrency, half of it unless told', () => {
      const problemsOf = (props: JobsServiceProps) => {
        try {
          resolveJobsServiceProps(props);
          return [];
        } catch (error) {
          if (!(error instanceof JobsServicePropsError)) throw error;
          return error.problems;
        }
      };
      // The default window follows the concurrency given.
      expect(resolveJobsServiceProps({ processorMaxConcurrency: 100 }).partsInFlightPerJob).toBe(50);
      expect(resolveJobsServiceProps({ processorMaxConcurrency: 3 }).partsInFlightPerJob).toBe(1);
      expect(
        resolveJobsServiceProps({ processorMaxConcurrency: 100, partsInFlightPerJob: 99 })
          .partsInFlightPerJob,
      ).toBe(99);
      // A window of the concurrency or more would leave no processor for another job's messages.
      expect(problemsOf({ processorMaxConcurrency: 20, partsInFlightPerJob: 20 })).toEqual([
        "partsInFlightPerJob must be below processorMaxConcurrency (20), got 20: a job's window must leave processors free for other jobs' messages (docs/fairness.md); 0 turns the window off",
      ]);
      expect(problemsOf({ partsInFlightPerJob: 80 })).toEqual([
        expect.stringContaining('partsInFlightPerJob must be below processorMaxConcurrency (40), got 80'),
      ]);
      expect(problemsOf({ processorMaxConcurrency: 20, partsInFlightPerJob: 0 })).toEqual([]);
      // A concurrency known at deploy time only: the default concurrency's window, unchecked.
      const parameter = new CfnParameter(new Stack(), 'Concurrency', { type: 'Number' }).valueAsNumber;
      expect(resolveJobsServiceProps({ processorMaxConcurrency: parameter }).partsInFlightPerJob).toBe(20);
      expect(problemsOf({ processorMaxConcurrency: parameter, partsInFlightPerJob: 500 })).toEqual([]);
    });

    it('treats undefined props as absent', () => {
      expect(resolveJobsServiceProps({ eventSource: undefined }).eventSource).toBe('partwise');
    });
  });

  describe('applied to the resources', () => {
    let template: Template;

    beforeAll(() => {
      const stack = new Stack(testApp(), 'Tuned');
      new JobsService(stack, 'Jobs', {
        eventBus: EventBus.fromEventBusArn(stack, 'Platform', BUS_ARN),
        eventSource: 'com.example.jobs',
        eventArchiveRetention: Duration.days(90),
        eventRetention: Duration.days(14),
        processorMemorySize: 3008,
        processorTimeout: Duration.minutes(2),
        processorMaxConcurrency: 50,
        defaultPartSizeBytes: 8 * 1024 * 1024,
        distributedPlanningBytes: 4 * 1024 * 1024 * 1024,
        partsInFlightPerJob: 25,
        partsInFlightPerEnvironment: 100,
        environmentPartsInFlight: { env_bulk: 20 },
        removalPolicy: RemovalPolicy.DESTROY,
        temporaryObjectRetention: Duration.days(2),
        logRetention: RetentionDays.ONE_WEEK,
        logLevel: 'DEBUG',
        corsOrigins: ['https://app.example.com'],
        apiThrottle: { rateLimit: 10, burstLimit: 20 },
        authorizerCacheTtl: Duration.seconds(0),
        sweepInterval: Duration.minutes(10),
        customDomain: {
          domainName: 'jobs.example.com',
          certificate: Certificate.fromCertificateArn(stack, 'Certificate', CERTIFICATE_ARN),
        },
      });
      template = Template.fromStack(stack);
    }, SYNTH_TIMEOUT_MS);

    it('publishes on the existing bus, archiving only the service’s source', () => {
      template.resourceCountIs('AWS::Events::EventBus', 0);
      template.hasResourceProperties('AWS::Events::Archive', {
        SourceArn: BUS_ARN,
        EventPattern: { source: ['com.example.jobs'] },
        RetentionDays: 90,
      });
      template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Action: 'events:PutEvents',
              Resource: BUS_ARN,
              Condition: { StringEquals: { 'events:source': 'com.example.jobs' } },
            }),
          ]),
        },
      });
    });

    it('passes the settings to the functions', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({
            [ENV.eventBusName]: BUS_ARN,
            [ENV.eventSource]: 'com.example.jobs',
            [ENV.defaultPartSizeBytes]: String(8 * 1024 * 1024),
            [ENV.distributedPlanningBytes]: String(4 * 1024 * 1024 * 1024),
            [ENV.partsInFlightPerJob]: '25',
            [ENV.partsInFlightPerEnvironment]: '100',
            [ENV.environmentPartsInFlight]: '{"env_bulk":20}',
            [ENV.eventRetentionDays]: '14',
            POWERTOOLS_LOG_LEVEL: 'DEBUG',
          }),
        },
      });
    });

    it('sizes the processor and its queue', () => {
      template.hasResourceProperties('AWS::Lambda::Function', { MemorySize: 3008, Timeout: 120 });
      template.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 720 });
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        ScalingConfig: { MaximumConcurrency: 50 },
      });
    });

    it('lets the data go with the stack when asked to', () => {
      template.hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Delete',
        Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
      });
      template.allResources('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
      template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
    });

    it('applies origins, lifetimes, throttling, cache and schedule', () => {
      template.hasResourceProperties('AWS::S3::Bucket', {
        CorsConfiguration: { CorsRules: [Match.objectLike({ AllowedOrigins: ['https://app.example.com'] })] },
        LifecycleConfiguration: {
          Rules: Match.arrayWith([Match.objectLike({ Prefix: 'tmp/', ExpirationInDays: 2 })]),
        },
      });
      template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
        CorsConfiguration: Match.objectLike({ AllowOrigins: ['https://app.example.com'] }),
      });
      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        DefaultRouteSettings: { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
      });
      template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { AuthorizerResultTtlInSeconds: 0 });
      template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(10 minutes)' });
    });

    it('serves the API on the custom domain', () => {
      template.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
        DomainName: 'jobs.example.com',
        DomainNameConfigurations: [Match.objectLike({ CertificateArn: CERTIFICATE_ARN })],
      });
      template.resourceCountIs('AWS::ApiGatewayV2::ApiMapping', 1);
    });
  });

  describe('from the CDK context of infra/app.ts', () => {
    it('reads the removal policy, alarm topic, existing bus and CORS origins', () => {
      const app = new App({
        context: {
          [CONTEXT_KEYS.removalPolicy]: 'destroy',
          [CONTEXT_KEYS.alarmTopicArn]: 'arn:aws:sns:eu-west-1:111122223333:pager',
          [CONTEXT_KEYS.eventBusArn]: BUS_ARN,
          [CONTEXT_KEYS.corsOrigins]: 'https://a.example.com, https://b.example.com',
        },
      });
      const props = jobsServicePropsFromContext(new Stack(app, 'FromContext'));
      expect(props.removalPolicy).toBe(RemovalPolicy.DESTROY);
      expect(props.alarmTopic?.topicArn).toBe('arn:aws:sns:eu-west-1:111122223333:pager');
      expect(props.eventBus?.eventBusArn).toBe(BUS_ARN);
      expect(props.corsOrigins).toEqual(['https://a.example.com', 'https://b.example.com']);
    });

    it('deploys the page when partwise:webApp is true, and refuses a value it does not know', () => {
      const withSite = new App({ context: { [CONTEXT_KEYS.webApp]: 'true' } });
      expect(jobsServicePropsFromContext(new Stack(withSite, 'Site')).webApp).toBe(true);
      const without = new App({ context: { [CONTEXT_KEYS.webApp]: 'false' } });
      expect(jobsServicePropsFromContext(new Stack(without, 'NoSite')).webApp).toBeUndefined();
      const odd = new App({ context: { [CONTEXT_KEYS.webApp]: 'yes' } });
      expect(() => jobsServicePropsFromContext(new Stack(odd, 'Odd'))).toThrow(
        'partwise:webApp must be "true" or "false", got "yes"',
      );
    });

    it('takes a customer managed key by its ARN and turns versioning on, refusing a value it does not know', () => {
      const keyArn = 'arn:aws:kms:eu-west-1:111122223333:key/0b2c8f4e-1111-2222-3333-444455556666';
      const app = new App({
        context: { [CONTEXT_KEYS.encryptionKeyArn]: keyArn, [CONTEXT_KEYS.bucketVersioning]: 'true' },
      });
      const props = jobsServicePropsFromContext(new Stack(app, 'Keyed'));
      expect(props.encryptionKey?.keyArn).toBe(keyArn);
      expect(props.bucketVersioning).toBe(true);
      const odd = new App({ context: { [CONTEXT_KEYS.bucketVersioning]: 'on' } });
      expect(() => jobsServicePropsFromContext(new Stack(odd, 'Odd'))).toThrow(
        'partwise:bucketVersioning must be "true" or "false", got "on"',
      );
    });

    it('leaves everything to the defaults when no context is set', () => {
      expect(jobsServicePropsFromContext(new Stack(new App(), 'Plain'))).toEqual({});
    });

    it('refuses a removal policy it does not know', () => {
      const app = new App({ context: { [CONTEXT_KEYS.removalPolicy]: 'snapshot' } });
      expect(() => jobsServicePropsFromContext(new Stack(app, 'Odd'))).toThrow(
        'partwise:removalPolicy must be "retain" or "destroy", got "snapshot"',
      );
    });
  });
});
