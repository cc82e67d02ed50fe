import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_KEYS } from '../../infra/function-specs.js';
import type { JobsService } from '../../infra/jobs-service.js';
import { SYNTH_TIMEOUT_MS, type SynthesizedService, synthesizeJobsService } from './fixture.js';
import { allowedActions, allows, type Request, type Statement, statementsOfRole } from './iam.js';

let synth: SynthesizedService;
let ids: { table: string; bucket: string; partsQueue: string; deadLetterQueue: string; bus: string };

beforeAll(() => {
  synth = synthesizeJobsService();
  const { service, logicalId } = synth;
  ids = {
    table: logicalId(service.table),
    bucket: logicalId(service.bucket),
    partsQueue: logicalId(service.partsQueue),
    deadLetterQueue: logicalId(service.deadLetterQueue),
    bus: logicalId(service.eventBus),
  };
}, SYNTH_TIMEOUT_MS);

/** Every function writes its own logs and X-Ray traces; the tests that set those aside say so. */
const notLogsNorTraces = (action: string) => !action.startsWith('logs:') && !action.startsWith('xray:');

function policyOf(pick: (s: JobsService) => IFunction): Statement[] {
  const fn = pick(synth.service);
  if (!fn.role) throw new Error('function without role');
  return statementsOfRole(synth.template, synth.logicalId(fn.role));
}

const jobItem = (action: string): Request => ({
  action,
  resource: `arn(${ids.table})`,
  leadingKeys: ['JOB#01JABC'],
});
const apiKeyItem = (action: string): Request => ({
  action,
  resource: `arn(${ids.table})`,
  leadingKeys: ['KEY#9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'],
});
const object = (action: string, key = 'uploads/file.csv'): Request => ({
  action,
  resource: `arn(${ids.bucket})/${key}`,
});
const readTokenSecret = (): Request => ({
  action: 'secretsmanager:GetSecretValue',
  resource: `ref(${synth.logicalId(synth.service.tokenSecret)})`,
});
const sendPart = (): Request => ({ action: 'sqs:SendMessage', resource: `arn(${ids.partsQueue})` });
const putEvent = (eventSource = 'partwise'): Request => ({
  action: 'events:PutEvents',
  resource: `arn(${ids.bus})`,
  eventSource,
});
const receiveFrom = (queueId: string): Request => ({
  action: 'sqs:ReceiveMessage',
  resource: `arn(${queueId})`,
});
const queryIndex = (index: string): Request => ({
  action: 'dynamodb:Query',
  resource: `arn(${ids.table})/index/${index}`,
});

describe('least privilege', () => {
  describe('the api function', () => {
    it('reads and writes job data but never an API key item', () => {
      const policy = policyOf((s) => s.apiFunction);
      expect(allows(policy, jobItem('dynamodb:GetItem'))).toBe(true);
      expect(allows(policy, jobItem('dynamodb:UpdateItem'))).toBe(true);
      expect(allows(policy, apiKeyItem('dynamodb:GetItem'))).toBe(false);
      expect(allows(policy, apiKeyItem('dynamodb:PutItem'))).toBe(false);
      // A batch that slips one API key in among job items is denied as a whole.
      expect(allows(policy, { ...jobItem('dynamodb:BatchGetItem'), leadingKeys: ['JOB#1', 'KEY#abc'] })).toBe(
        false,
      );
    });

    it('cannot scan the table, which would return the API key items', () => {
      const policy = policyOf((s) => s.apiFunction);
      expect(allows(policy, { action: 'dynamodb:Scan', resource: `arn(${ids.table})` })).toBe(false);
    });

    it('lists through the byEnvironment index only', () => {
      const policy = policyOf((s) => s.apiFunction);
      expect(allows(policy, queryIndex('byEnvironment'))).toBe(true);
      expect(allows(policy, queryIndex('outbox'))).toBe(false);
      expect(allows(policy, queryIndex('active'))).toBe(false);
    });

    it('reads, writes and deletes objects (presigned URLs act with these permissions)', () => {
      const policy = policyOf((s) => s.apiFunction);
      expect(allows(policy, object('s3:GetObject'))).toBe(true);
      expect(allows(policy, object('s3:PutObject'))).toBe(true);
      expect(allows(policy, object('s3:DeleteObject'))).toBe(true);
      expect(allows(policy, object('s3:PutObjectAcl'))).toBe(false);
    });

    it('sends what its commits put in the outbox, relayed right after the commit, and consumes no queue', () => {
      const policy = policyOf((s) => s.apiFunction);
      expect(allows(policy, sendPart())).toBe(true);
      expect(allows(policy, receiveFrom(ids.partsQueue))).toBe(false);
      expect(allowedActions(policy).filter((a) => a.startsWith('sqs:'))).toEqual(['sqs:SendMessage']);
    });

    it('publishes the events of its commits with its own source only', () => {
      const policy = policyOf((s) => s.apiFunction);
      expect(allows(policy, putEvent('partwise'))).toBe(true);
      expect(allows(policy, putEvent('com.example.billing'))).toBe(false);
    });
  });

  describe('the authorizer function', () => {
    it('may only GetItem on API key items, and read the token and key secrets', () => {
      const policy = policyOf((s) => s.authorizerFunction);
      expect(allowedActions(policy)).toEqual([
        'dynamodb:GetItem',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'secretsmanager:GetSecretValue',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ]);
      expect(allows(policy, apiKeyItem('dynamodb:GetItem'))).toBe(true);
      expect(allows(policy, jobItem('dynamodb:GetItem'))).toBe(false);
      expect(allows(policy, apiKeyItem('dynamodb:PutItem'))).toBe(false);
      expect(allows(policy, readTokenSecret())).toBe(true);
    });
  });

  describe('the token secret', () => {
    it('is read by the api function (which mints tokens) and the two authorizers (which verify them) alone', () => {
      const functions = Object.fromEntries(
        FUNCTION_KEYS.map((key) => [key, (s: JobsService) => s.functions[key]]),
      );
      const readers = Object.fromEntries(
        Object.entries(functions).map(([name, pick]) => [name, allows(policyOf(pick), readTokenSecret())]),
      );
      expect(readers).toEqual({
        api: true,
        authorizer: true,
        admin: false,
        processor: false,
        relay: false,
        deadLetter: false,
        sweeper: false,
        pushAuthorizer: true,
        pushConnections: false,
        pushFanOut: false,
      });
    });

    it('can be read but never changed, rotated or described', () => {
      const readers = [(s: JobsService) => s.apiFunction, (s: JobsService) => s.authorizerFunction];
      for (const policy of [...readers, (s: JobsService) => s.pushAuthorizerFunction].map(policyOf)) {
        expect(allowedActions(policy).filter((a) => a.startsWith('secretsmanager:'))).toEqual([
          'secretsmanager:GetSecretValue',
        ]);
        expect(allows(policy, { ...readTokenSecret(), action: 'secretsmanager:PutSecretValue' })).toBe(false);
      }
    });
  });

  describe('the processor function', () => {
    it('cannot read or write the API keys', () => {
      const policy = policyOf((s) => s.processorFunction);
      expect(allows(policy, jobItem('dynamodb:PutItem'))).toBe(true);
      expect(allows(policy, apiKeyItem('dynamodb:PutItem'))).toBe(false);
      expect(allows(policy, apiKeyItem('dynamodb:UpdateItem'))).toBe(false);
      expect(allows(policy, apiKeyItem('dynamodb:GetItem'))).toBe(false);
    });

    it('reads and writes objects and enqueues parts', () => {
      const policy = policyOf((s) => s.processorFunction);
      expect(allows(policy, object('s3:GetObject', 'segments/sheet/0001.ndjson'))).toBe(true);
      expect(allows(policy, object('s3:PutObject', 'exports/job.csv'))).toBe(true);
      expect(allows(policy, sendPart())).toBe(true);
    });

    it('consumes the parts queue only through its event source, and publishes the events of its commits with its own source only', () => {
      const policy = policyOf((s) => s.processorFunction);
      expect(allows(policy, receiveFrom(ids.partsQueue))).toBe(true);
      expect(allows(policy, receiveFrom(ids.deadLetterQueue))).toBe(false);
      expect(allows(policy, putEvent('partwise'))).toBe(true);
      expect(allows(policy, putEvent('com.example.billing'))).toBe(false);
    });
  });

  describe('the relay function', () => {
    it('reads the jobs a stream record names, writes event items and clears outboxes, but no API key', () => {
      const policy = policyOf((s) => s.relayFunction);
      expect(allows(policy, jobItem('dynamodb:PutItem'))).toBe(true);
      expect(allows(policy, jobItem('dynamodb:UpdateItem'))).toBe(true);
      expect(allows(policy, jobItem('dynamodb:GetItem'))).toBe(true);
      expect(allows(policy, apiKeyItem('dynamodb:GetItem'))).toBe(false);
      expect(allows(policy, apiKeyItem('dynamodb:PutItem'))).toBe(false);
    });

    it('hands commands to the parts queue and publishes events with its own source only', () => {
      const policy = policyOf((s) => s.relayFunction);
      expect(allows(policy, sendPart())).toBe(true);
      expect(allows(policy, putEvent('partwise'))).toBe(true);
      expect(allows(policy, putEvent('com.example.billing'))).toBe(false);
    });

    it('touches no object', () => {
      expect(allowedActions(policyOf((s) => s.relayFunction)).filter((a) => a.startsWith('s3:'))).toEqual([]);
    });
  });

  describe('the dead-letter function', () => {
    it('records failures in job data and does nothing else', () => {
      const policy = policyOf((s) => s.deadLetterFunction);
      expect(allows(policy, jobItem('dynamodb:UpdateItem'))).toBe(true);
      expect(allows(policy, apiKeyItem('dynamodb:UpdateItem'))).toBe(false);
      expect(allows(policy, sendPart())).toBe(false);
      expect(allows(policy, putEvent())).toBe(false);
      expect(allowedActions(policy).filter((a) => a.startsWith('s3:'))).toEqual([]);
    });
  });

  describe('the sweeper function', () => {
    it('queries the outbox and active indexes, re-enqueues parts and re-publishes events', () => {
      const policy = policyOf((s) => s.sweeperFunction);
      expect(allows(policy, queryIndex('outbox'))).toBe(true);
      expect(allows(policy, queryIndex('active'))).toBe(true);
      expect(allows(policy, queryIndex('byEnvironment'))).toBe(false);
      expect(allows(policy, sendPart())).toBe(true);
      expect(allows(policy, putEvent())).toBe(true);
      expect(allows(policy, apiKeyItem('dynamodb:DeleteItem'))).toBe(false);
    });

    it('reads part plans to resend parts, and may finalize a job as the processor does', () => {
      const policy = policyOf((s) => s.sweeperFunction);
      expect(allows(policy, object('s3:GetObject', 'plans/01JABC.json'))).toBe(true);
      expect(allows(policy, object('s3:PutObject', 'exports/01JABC.csv'))).toBe(true);
      expect(allows(policy, receiveFrom(ids.partsQueue))).toBe(false);
    });
  });

  describe('the push functions', () => {
    const connectionsTable = () => `arn(${synth.logicalId(synth.service.connectionsTable)})`;
    const connectionItem = (action: string): Request => ({ action, resource: connectionsTable() });
    const byEnvironment = (): Request => ({
      action: 'dynamodb:Query',
      resource: `${connectionsTable()}/index/byEnvironment`,
    });
    /** `@connections/<id>` of a stage, as the IAM evaluator spells the ARN. */
    const manage = (
      method: string,
      stage = 'push',
      api = synth.logicalId(synth.service.pushApi),
    ): Request => ({
      action: 'execute-api:ManageConnections',
      resource: `arn:ref(AWS::Partition):execute-api:ref(AWS::Region):ref(AWS::AccountId):ref(${api})/${stage}/${method}/@connections/L0SM9cOFvHcCIhw=`,
    });

    it('lets the push authorizer read the token secret and nothing else: no table at all', () => {
      const policy = policyOf((s) => s.pushAuthorizerFunction);
      expect(allowedActions(policy)).toEqual([
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'secretsmanager:GetSecretValue',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ]);
      expect(allows(policy, readTokenSecret())).toBe(true);
    });

    it('lets the connections function keep and forget connections, and read none', () => {
      const policy = policyOf((s) => s.pushConnectionsFunction);
      expect(allowedActions(policy).filter(notLogsNorTraces)).toEqual([
        'dynamodb:DeleteItem',
        'dynamodb:PutItem',
      ]);
      expect(allows(policy, connectionItem('dynamodb:PutItem'))).toBe(true);
      expect(allows(policy, connectionItem('dynamodb:DeleteItem'))).toBe(true);
      expect(allows(policy, jobItem('dynamodb:PutItem'))).toBe(false);
      expect(allows(policy, manage('POST'))).toBe(false);
    });

    it("lets the fan-out query an environment's connections, forget some, and post to or close them on its stage", () => {
      const policy = policyOf((s) => s.pushFanOutFunction);
      expect(allowedActions(policy).filter(notLogsNorTraces)).toEqual([
        'dynamodb:DeleteItem',
        'dynamodb:Query',
        'execute-api:ManageConnections',
      ]);
      expect(allows(policy, byEnvironment())).toBe(true);
      expect(allows(policy, connectionItem('dynamodb:DeleteItem'))).toBe(true);
      expect(allows(policy, connectionItem('dynamodb:PutItem'))).toBe(false);
      expect(allows(policy, connectionItem('dynamodb:Scan'))).toBe(false);
      expect(allows(policy, connectionItem('dynamodb:Query'))).toBe(false);
      expect(allows(policy, jobItem('dynamodb:GetItem'))).toBe(false);
      expect(allows(policy, manage('POST'))).toBe(true);
      expect(allows(policy, manage('DELETE'))).toBe(true);
      // GET (reading a connection's details) is not used; other stages and APIs are not its own.
      expect(allows(policy, manage('GET'))).toBe(false);
      expect(allows(policy, manage('POST', 'other'))).toBe(false);
      expect(allows(policy, manage('POST', 'push', 'SomeoneElsesApi'))).toBe(false);
      expect(allows(policy, readTokenSecret())).toBe(false);
    });

    it('leaves @connections to the fan-out alone', () => {
      const others = [
        (s: JobsService) => s.apiFunction,
        (s: JobsService) => s.authorizerFunction,
        (s: JobsService) => s.processorFunction,
        (s: JobsService) => s.relayFunction,
        (s: JobsService) => s.sweeperFunction,
        (s: JobsService) => s.pushAuthorizerFunction,
        (s: JobsService) => s.pushConnectionsFunction,
      ];
      for (const pick of others) {
        expect(allows(policyOf(pick), manage('POST'))).toBe(false);
        expect(allows(policyOf(pick), connectionItem('dynamodb:PutItem'))).toBe(pick === others[6]);
      }
    });
  });

  describe('every function', () => {
    it('has its own role with no managed policy (no AWSLambdaBasicExecutionRole)', () => {
      const roles = synth.template.findResources('AWS::IAM::Role');
      expect(Object.keys(roles)).toHaveLength(10);
      for (const role of Object.values(roles)) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    });

    it('writes logs to its own log group only', () => {
      const { service, logicalId } = synth;
      const functions = [
        service.apiFunction,
        service.authorizerFunction,
        service.adminFunction,
        service.processorFunction,
        service.relayFunction,
        service.deadLetterFunction,
        service.sweeperFunction,
        service.pushAuthorizerFunction,
        service.pushConnectionsFunction,
        service.pushFanOutFunction,
      ];
      for (const fn of functions) {
        const policy = policyOf(() => fn);
        const own = `arn(${logicalId(fn.logGroup)})`;
        const other = functions.find((f) => f !== fn);
        expect(allows(policy, { action: 'logs:PutLogEvents', resource: own })).toBe(true);
        expect(
          allows(policy, {
            action: 'logs:PutLogEvents',
            resource: `arn(${logicalId(other?.logGroup ?? fn)})`,
          }),
        ).toBe(false);
      }
    });

    it('is granted no action wildcard', () => {
      const policies = synth.template.findResources('AWS::IAM::Policy');
      const actions = Object.values(policies).flatMap((p) =>
        (p.Properties.PolicyDocument.Statement as Statement[]).flatMap((s) =>
          Array.isArray(s.Action) ? s.Action : [s.Action],
        ),
      );
      expect(actions.filter((a) => a.includes('*'))).toEqual([]);
    });
  });
});
