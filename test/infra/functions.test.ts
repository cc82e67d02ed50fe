import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { type CfnTopic, Topic } from 'aws-cdk-lib/aws-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import { JobsService } from '../../infra/jobs-service.js';
import { ENV } from '../../shared/config.js';
import {
  getAtt,
  SYNTH_TIMEOUT_MS,
  type SynthesizedService,
  synthesizeJobsService,
  testApp,
} from './fixture.js';

let synth: SynthesizedService;
let functions: Record<string, IFunction>;

beforeAll(() => {
  synth = synthesizeJobsService(undefined, { bundle: true });
  const s = synth.service;
  functions = {
    api: s.apiFunction,
    authorizer: s.authorizerFunction,
    admin: s.adminFunction,
    processor: s.processorFunction,
    relay: s.relayFunction,
    'dead-letter': s.deadLetterFunction,
    sweeper: s.sweeperFunction,
    'push-authorizer': s.pushAuthorizerFunction,
    'push-connections': s.pushConnectionsFunction,
    'push-fan-out': s.pushFanOutFunction,
  };
}, SYNTH_TIMEOUT_MS);

/** The functions of jobs (the others push events to browsers). */
const JOB_FUNCTIONS = ['api', 'authorizer', 'processor', 'relay', 'dead-letter', 'sweeper'];

const EXTENSION_VARIABLE = /^(PARAMETERS_SECRETS_EXTENSION|SECRETS_MANAGER|SSM_PARAMETER_STORE)_/;

function propertiesOf(fn: IFunction) {
  return synth.template.toJSON().Resources[synth.logicalId(fn)].Properties;
}

describe('the functions', () => {
  it('all run Node.js 24 on arm64, one function per entry point', () => {
    synth.template.resourceCountIs('AWS::Lambda::Function', 10);
    synth.template.allResourcesProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
    });
  });

  it('are bundled as minified ES modules with a source map, without the runtime-provided AWS SDK', () => {
    const assembly = synth.app.synth().directory;
    const bundles = new Map<string, string>();
    for (const [name, fn] of Object.entries(functions)) {
      const key: string = propertiesOf(fn).Code.S3Key;
      const dir = path.join(assembly, `asset.${key.replace(/\.zip$/, '')}`);
      const bundle = readFileSync(path.join(dir, 'index.mjs'), 'utf8');
      const map = JSON.parse(readFileSync(path.join(dir, 'index.mjs.map'), 'utf8')) as {
        sources: string[];
        sourcesContent?: unknown;
      };
      expect(bundle, `${name} has the require banner`).toContain('createRequire');
      expect(bundle, `${name} is ESM`).toMatch(/export\s*\{/);
      // Minified: long lines, not one statement per line.
      expect(bundle.length / bundle.split('\n').length, `${name} is minified`).toBeGreaterThan(200);
      expect(
        map.sources.some((s) => s.includes(`functions/${name}.ts`)),
        `${name} map points at its source`,
      ).toBe(true);
      expect(map.sourcesContent, `${name} map carries no source code`).toBeUndefined();
      expect(
        map.sources.filter((s) => s.includes('node_modules/@aws-sdk/')),
        `${name} bundles no AWS SDK`,
      ).toEqual([]);
      // The runtime's SDK is loaded on first use, by require() (infra/bundling.ts): neither
      // an ESM import, which would load it at init, nor import(), which loads it slower.
      expect(bundle, `${name} imports no AWS SDK module`).not.toMatch(
        /(\bfrom|\bimport\s*\()\s*["']@aws-sdk\//,
      );
      bundles.set(name, bundle);
    }
    // A call with the module name alone: esbuild's (minified) require.
    expect(bundles.get('api'), 'the api requires the DynamoDB client when it first sends').toMatch(
      /[\w$]+\(\s*["']@aws-sdk\/client-dynamodb["']\s*\)/,
    );
  });

  it('ship the api function with the /docs renderer beside its bundle, read on request rather than bundled', () => {
    const assembly = synth.app.synth().directory;
    const assetOf = (fn: IFunction) =>
      path.join(assembly, `asset.${(propertiesOf(fn).Code.S3Key as string).replace(/\.zip$/, '')}`);
    const renderer = readFileSync(
      path.join(assetOf(functions.api as IFunction), 'redoc.standalone.js'),
      'utf8',
    );
    expect(renderer).toContain('Redoc');
    const bundle = readFileSync(path.join(assetOf(functions.api as IFunction), 'index.mjs'), 'utf8');
    expect(bundle.length, 'the renderer is not inlined').toBeLessThan(renderer.length);
    expect(existsSync(path.join(assetOf(functions.processor as IFunction), 'redoc.standalone.js'))).toBe(
      false,
    );
  });

  it('read their configuration from the ENV names of shared/config.ts, with Powertools settings', () => {
    const { service, logicalId } = synth;
    const ownVariables = (fn: IFunction) => {
      const {
        [ENV.tokenSecretId]: tokenSecret,
        [ENV.keySecretId]: keySecret,
        ...variables
      } = propertiesOf(fn).Environment.Variables;
      // Less the Parameters and Secrets extension's settings (test/infra/token-secret.test.ts).
      const own = Object.fromEntries(
        Object.entries(variables).filter(([key]) => !EXTENSION_VARIABLE.test(key)),
      );
      return { tokenSecret, keySecret, own };
    };
    const runtime = {
      POWERTOOLS_SERVICE_NAME: 'partwise',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      POWERTOOLS_METRICS_NAMESPACE: 'partwise',
      NODE_OPTIONS: '--enable-source-maps',
    };
    for (const name of JOB_FUNCTIONS) {
      const { tokenSecret, keySecret, own } = ownVariables(functions[name] as IFunction);
      expect(tokenSecret, name).toEqual(
        ['api', 'authorizer'].includes(name) ? { Ref: logicalId(service.tokenSecret) } : undefined,
      );
      // API keys' HMACs: the authorizer checks them, nothing else of the jobs functions reads the secret.
      expect(keySecret, name).toEqual(
        name === 'authorizer' ? { Ref: logicalId(service.keySecret) } : undefined,
      );
      expect(own).toEqual({
        [ENV.tableName]: { Ref: logicalId(service.table) },
        [ENV.bucketName]: { Ref: logicalId(service.bucket) },
        [ENV.partsQueueUrl]: { Ref: logicalId(service.partsQueue) },
        [ENV.eventDeadLetterQueueUrl]: { Ref: logicalId(service.eventDeadLetterQueue) },
        [ENV.eventBusName]: getAtt(logicalId(service.eventBus)),
        [ENV.eventSource]: 'partwise',
        [ENV.defaultPartSizeBytes]: String(32 * 1024 * 1024),
        [ENV.distributedPlanningBytes]: String(1024 * 1024 * 1024),
        [ENV.partsInFlightPerJob]: '20',
        [ENV.partsInFlightPerEnvironment]: '0',
        [ENV.eventRetentionDays]: '30',
        ...runtime,
      });
    }
    // The push functions know nothing of the job data: the authorizer the secret alone, the
    // others the connections table, and the fan-out its stage's @connections endpoint.
    const connections = { [ENV.connectionsTableName]: { Ref: logicalId(service.connectionsTable) } };
    expect(ownVariables(service.pushAuthorizerFunction)).toEqual({
      tokenSecret: { Ref: logicalId(service.tokenSecret) },
      keySecret: undefined,
      own: runtime,
    });
    expect(ownVariables(service.pushConnectionsFunction)).toEqual({
      tokenSecret: undefined,
      keySecret: undefined,
      own: { ...connections, ...runtime },
    });
    // The admin function: the table of the key items, and the key secret; no bucket, queue or bus.
    expect(ownVariables(service.adminFunction)).toEqual({
      tokenSecret: undefined,
      keySecret: { Ref: logicalId(service.keySecret) },
      own: { [ENV.tableName]: { Ref: logicalId(service.table) }, ...runtime },
    });
    const fanOut = ownVariables(service.pushFanOutFunction);
    expect(fanOut.own).toEqual({ ...connections, ...runtime, [ENV.pushEndpoint]: expect.anything() });
    expect(JSON.stringify(fanOut.own[ENV.pushEndpoint])).toMatch(
      new RegExp(`"https://",\\{"Ref":"${logicalId(service.pushApi)}"\\},".execute-api.".*"/push"`),
    );
  });

  it('log to their own log group', () => {
    for (const fn of Object.values(functions)) {
      expect(propertiesOf(fn).LoggingConfig).toEqual({ LogGroup: { Ref: expect.stringMatching(/Logs/) } });
    }
  });

  it('give the processor the props’ memory and timeout', () => {
    expect(propertiesOf(synth.service.processorFunction)).toMatchObject({ MemorySize: 1769, Timeout: 300 });
  });
});

describe('the event sources', () => {
  it('feed the processor one part at a time by default, with partial failures and a concurrency cap', () => {
    synth.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: getAtt(synth.logicalId(synth.service.partsQueue)),
      FunctionName: { Ref: synth.logicalId(synth.service.processorFunction) },
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 40 },
    });
  });

  it('feed the dead-letter function from the DLQ', () => {
    synth.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: getAtt(synth.logicalId(synth.service.deadLetterQueue)),
      FunctionName: { Ref: synth.logicalId(synth.service.deadLetterFunction) },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('wake the relay only for stream records whose new image holds outbox entries', () => {
    synth.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: getAtt(synth.logicalId(synth.service.table), 'StreamArn'),
      FunctionName: { Ref: synth.logicalId(synth.service.relayFunction) },
      BatchSize: 100,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 10,
      DestinationConfig: {
        OnFailure: { Destination: getAtt(synth.logicalId(synth.service.relayFailureQueue)) },
      },
      FilterCriteria: {
        Filters: [
          { Pattern: JSON.stringify({ dynamodb: { NewImage: { outboxAt: { S: [{ exists: true }] } } } }) },
        ],
      },
    });
  });
});

describe('the alarms', () => {
  it('watch the dead-letter queues', () => {
    const { deadLetterQueue, relayFailureQueue, eventDeadLetterQueue } = synth.service;
    for (const queue of [deadLetterQueue, relayFailureQueue, eventDeadLetterQueue]) {
      synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: getAtt(synth.logicalId(queue), 'QueueName') }],
        Threshold: 1,
      });
    }
  });

  it('watch every function’s errors and throttles', () => {
    for (const fn of Object.values(functions)) {
      for (const metric of ['Errors', 'Throttles']) {
        synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/Lambda',
          MetricName: metric,
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: synth.logicalId(fn) } }],
        });
      }
    }
  });

  it('notify nobody by default, and the alarm topic when one is given', () => {
    synth.template.allResourcesProperties('AWS::CloudWatch::Alarm', { AlarmActions: Match.absent() });

    const stack = new Stack(testApp(), 'WithTopic');
    const topic = new Topic(stack, 'Pager');
    new JobsService(stack, 'Jobs', { alarmTopic: topic });
    const template = Template.fromStack(stack);
    const topicRef = { Ref: stack.getLogicalId(topic.node.defaultChild as CfnTopic) };
    template.allResourcesProperties('AWS::CloudWatch::Alarm', {
      AlarmActions: [topicRef],
      OKActions: [topicRef],
    });
  });
});
