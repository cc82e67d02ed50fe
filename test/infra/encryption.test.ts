import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { Key } from 'aws-cdk-lib/aws-kms';
import { beforeAll, describe, expect, it } from 'vitest';
import { JobsServicePropsError } from '../../infra/errors.js';
import { resolveJobsServiceProps } from '../../infra/props.js';
import { getAtt, SYNTH_TIMEOUT_MS, type SynthesizedService, synthesizeJobsService } from './fixture.js';
import { allowedActions, allows, statementsOfRole } from './iam.js';

let keyed: SynthesizedService;
let plain: SynthesizedService;
let keyId: string;

beforeAll(() => {
  keyed = synthesizeJobsService((stack) => ({
    encryptionKey: new Key(stack, 'DataKey', { enableKeyRotation: true }),
    bucketVersioning: true,
    noncurrentVersionRetention: Duration.days(10),
    pushAccessLogs: true,
    webApp: true,
  }));
  plain = synthesizeJobsService();
  keyId = Object.keys(keyed.template.findResources('AWS::KMS::Key'))[0] as string;
}, SYNTH_TIMEOUT_MS);

const keyArn = () => getAtt(keyId);
const propsOf = (synth: SynthesizedService, type: string) =>
  Object.values(synth.template.findResources(type)).map((r) => r.Properties);

describe('JobsService with a customer managed key (encryptionKey)', () => {
  it('encrypts the bucket with the key and an S3 bucket key', () => {
    const bucket = keyed.template.toJSON().Resources[keyed.logicalId(keyed.service.bucket)].Properties;
    expect(bucket.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
      {
        ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn() },
        BucketKeyEnabled: true,
      },
    ]);
  });

  it('leaves the access logs bucket on SSE-S3, the only encryption S3 server access logging delivers to', () => {
    const logs =
      keyed.template.toJSON().Resources[keyed.logicalId(keyed.service.accessLogsBucket)].Properties;
    expect(logs.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault).toEqual({
      SSEAlgorithm: 'AES256',
    });
  });

  it('encrypts both tables with the key', () => {
    const tables = propsOf(keyed, 'AWS::DynamoDB::Table');
    expect(tables).toHaveLength(2);
    for (const table of tables) {
      expect(table.SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: keyArn() });
    }
  });

  it('encrypts every queue with the key', () => {
    const queues = propsOf(keyed, 'AWS::SQS::Queue');
    expect(queues).toHaveLength(4);
    for (const queue of queues) {
      expect(queue.KmsMasterKeyId).toEqual(keyArn());
      expect(queue.SqsManagedSseEnabled).toBeUndefined();
    }
  });

  it('encrypts the bus and its archive with the key, and lets EventBridge use it for this bus', () => {
    keyed.template.hasResourceProperties('AWS::Events::EventBus', { KmsKeyIdentifier: keyArn() });
    keyed.template.hasResourceProperties('AWS::Events::Archive', { KmsKeyIdentifier: keyArn() });
    keyed.template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'events.amazonaws.com' },
            Action: Match.arrayWith(['kms:Decrypt', 'kms:GenerateDataKey']),
          }),
        ]),
      },
    });
  });

  it("names the bus by its own name in the archive's key statement, so EventBridge may archive its events", () => {
    const busName = propsOf(keyed, 'AWS::Events::EventBus')[0]?.Name;
    expect(typeof busName).toBe('string');
    const policy = keyed.template.findResources('AWS::KMS::Key')[keyId]?.Properties.KeyPolicy;
    const archive = policy.Statement.find(
      (s: { Sid?: string }) => s.Sid === 'Allow EventBridge to encrypt the partwise archive',
    );
    const context = JSON.stringify(
      archive.Condition.StringEquals['kms:EncryptionContext:aws:events:event-bus:arn'],
    );
    expect(context).toContain(`:event-bus/${busName}`);
  });

  it('encrypts every log group with the key, and lets CloudWatch Logs use it for log groups only', () => {
    const groups = propsOf(keyed, 'AWS::Logs::LogGroup');
    // Nine functions, the API's and the push socket's access logs, the site's deployment.
    expect(groups.length).toBeGreaterThanOrEqual(12);
    for (const group of groups) expect(group.KmsKeyId).toEqual(keyArn());
    const policy = keyed.template.findResources('AWS::KMS::Key')[keyId]?.Properties.KeyPolicy;
    const logs = policy.Statement.find((s: { Principal?: { Service?: unknown } }) =>
      JSON.stringify(s.Principal?.Service ?? '').includes('logs.'),
    );
    expect(logs.Action).toEqual(
      expect.arrayContaining(['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey*']),
    );
    expect(JSON.stringify(logs.Condition.ArnLike['kms:EncryptionContext:aws:logs:arn'])).toContain(
      ':log-group:*',
    );
  });

  it('gives each function the key for what it does with the data: writers encrypt, the authorizer only reads, the push authorizer nothing', () => {
    const roleOf = (fn: { role?: unknown }) =>
      keyed.logicalId((fn as { role: import('constructs').IConstruct }).role);
    const actionsOn = (fn: { role?: unknown }) => {
      const statements = statementsOfRole(keyed.template, roleOf(fn));
      return allowedActions(statements).filter((action) => action.startsWith('kms:'));
    };
    const key = `arn(${keyId})`;
    const service = keyed.service;
    for (const fn of [
      service.apiFunction,
      service.processorFunction,
      service.relayFunction,
      service.deadLetterFunction,
      service.sweeperFunction,
      service.pushConnectionsFunction,
      service.pushFanOutFunction,
    ]) {
      const statements = statementsOfRole(keyed.template, roleOf(fn));
      for (const action of ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'])
        expect(allows(statements, { action, resource: key }), `${fn.node.id} ${action}`).toBe(true);
    }
    expect(actionsOn(service.authorizerFunction)).toEqual(['kms:Decrypt']);
    expect(actionsOn(service.pushAuthorizerFunction)).toEqual([]);
  });
});

describe('JobsService without a key', () => {
  it('names no KMS key anywhere: AWS managed encryption throughout', () => {
    plain.template.resourceCountIs('AWS::KMS::Key', 0);
    for (const group of propsOf(plain, 'AWS::Logs::LogGroup')) expect(group.KmsKeyId).toBeUndefined();
    for (const queue of propsOf(plain, 'AWS::SQS::Queue')) expect(queue.SqsManagedSseEnabled).toBe(true);
    for (const table of propsOf(plain, 'AWS::DynamoDB::Table'))
      expect(table.SSESpecification).toEqual({ SSEEnabled: true });
    plain.template.hasResourceProperties('AWS::Events::EventBus', { KmsKeyIdentifier: Match.absent() });
  });
});

describe('bucket versioning (bucketVersioning)', () => {
  const bucketOf = (synth: SynthesizedService) =>
    synth.template.toJSON().Resources[synth.logicalId(synth.service.bucket)].Properties;

  it('keeps earlier versions, and deletes them (and their lone delete markers) after noncurrentVersionRetention', () => {
    const bucket = bucketOf(keyed);
    expect(bucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.LifecycleConfiguration.Rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Id: 'expire-noncurrent-versions',
          NoncurrentVersionExpiration: { NoncurrentDays: 10 },
          ExpiredObjectDeleteMarker: true,
          Status: 'Enabled',
        }),
        // Temporary objects still expire (as noncurrent versions, then deleted by the rule above).
        expect.objectContaining({ Prefix: 'tmp/', ExpirationInDays: 7 }),
      ]),
    );
  });

  it('is off by default, with no rule for versions', () => {
    const bucket = bucketOf(plain);
    expect(bucket.VersioningConfiguration).toBeUndefined();
    expect(JSON.stringify(bucket.LifecycleConfiguration.Rules)).not.toContain('Noncurrent');
  });

  it(
    'keeps earlier versions 30 days unless told otherwise',
    () => {
      const synth = synthesizeJobsService({ bucketVersioning: true });
      expect(bucketOf(synth).LifecycleConfiguration.Rules).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 30 } }),
        ]),
      );
    },
    SYNTH_TIMEOUT_MS,
  );

  it('refuses a noncurrentVersionRetention without versioning, or in part days', () => {
    const resolve = (props: Parameters<typeof resolveJobsServiceProps>[0]) => () =>
      resolveJobsServiceProps(props);
    expect(resolve({ noncurrentVersionRetention: Duration.days(3) })).toThrow(JobsServicePropsError);
    expect(resolve({ noncurrentVersionRetention: Duration.days(3) })).toThrow(/only with bucketVersioning/);
    expect(resolve({ bucketVersioning: true, noncurrentVersionRetention: Duration.hours(36) })).toThrow(
      /noncurrentVersionRetention must be a whole number of days/,
    );
  });
});
