/**
 * Encryption at rest of the construct's resources: AWS managed by default, or one customer
 * managed KMS key (`encryptionKey`) for the bucket, the tables, the queues, the bus, its
 * archive and the log groups. What each resource takes comes from here, so no resource is
 * left on the default when a key is given.
 *
 * Left on AWS managed encryption whatever the prop: the access logs bucket (S3 server
 * access logging delivers only to SSE-S3 buckets), the site's bucket (CloudFront reads it
 * through its origin access control) and the token secret (docs/deploy.md).
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import { TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { type Archive, CfnArchive } from 'aws-cdk-lib/aws-events';
import { type IRole, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

export function bucketEncryption(key: IKey | undefined) {
  // A bucket key: S3 asks KMS for a data key per bucket and period, not per object.
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html
  return key
    ? { encryption: BucketEncryption.KMS, encryptionKey: key, bucketKeyEnabled: true }
    : { encryption: BucketEncryption.S3_MANAGED };
}

export function tableEncryption(key: IKey | undefined) {
  return key
    ? { encryption: TableEncryption.CUSTOMER_MANAGED, encryptionKey: key }
    : { encryption: TableEncryption.AWS_MANAGED };
}

export function queueEncryption(key: IKey | undefined) {
  return key
    ? { encryption: QueueEncryption.KMS, encryptionMasterKey: key }
    : { encryption: QueueEncryption.SQS_MANAGED };
}

/** For the bus the construct creates (EventBus adds the key policy EventBridge needs). */
export function eventBusEncryption(key: IKey | undefined): { kmsKey?: IKey } {
  return key ? { kmsKey: key } : {};
}

/**
 * Encrypts the bus archive with the key, as AWS recommends for the archive of a bus under a
 * customer managed key. Not through Archive's `kmsKey`: its key policy statement names the
 * bus by its `Fn::GetAtt` ARN, and with the bus naming the key that is a dependency cycle.
 * Here the statement names the bus by the ARN it will have (`busArn`, built from the bus's
 * name, which the construct knows at synth time).
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/encryption-archives.html
 */
export function encryptArchive(archive: Archive, key: IKey, busArn: string): void {
  const cfn = archive.node.defaultChild;
  if (!(cfn instanceof CfnArchive)) throw new Error(`${archive.node.path} has no CfnArchive`);
  cfn.kmsKeyIdentifier = key.keyArn;
  const events = new ServicePrincipal('events.amazonaws.com');
  key.addToResourcePolicy(
    new PolicyStatement({
      sid: 'Allow EventBridge to describe the key of the partwise archive',
      principals: [events],
      actions: ['kms:DescribeKey'],
      resources: ['*'],
    }),
  );
  key.addToResourcePolicy(
    new PolicyStatement({
      sid: 'Allow EventBridge to encrypt the partwise archive',
      principals: [events],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:ReEncrypt*'],
      resources: ['*'],
      conditions: { StringEquals: { 'kms:EncryptionContext:aws:events:event-bus:arn': busArn } },
    }),
  );
}

export function logGroupEncryption(key: IKey | undefined): { encryptionKey?: IKey } {
  return key ? { encryptionKey: key } : {};
}

/**
 * Lets CloudWatch Logs use the key for this account's log groups in this region (a log group
 * with a key it may not use fails to create). A key imported from elsewhere keeps its own
 * policy: its owner adds the same statement (docs/deploy.md).
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
 */
export function allowLogsToUseKey(scope: Construct, key: IKey): void {
  const stack = Stack.of(scope);
  key.addToResourcePolicy(
    new PolicyStatement({
      sid: 'Allow CloudWatch Logs to use the key for partwise log groups',
      principals: [new ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
      resources: ['*'],
      conditions: {
        ArnLike: {
          'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
            service: 'logs',
            resource: 'log-group',
            resourceName: '*',
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        },
      },
    }),
  );
}

/**
 * What a function does with data under the key: `decrypt` reads (items, objects, messages
 * it receives, stream records); `encrypt` also writes them (a new object, item or message
 * takes a data key). S3, DynamoDB and SQS call KMS as the caller, so the role needs these on
 * the key whenever it touches encrypted data; presigned URLs act as the api's role.
 */
export function grantKeyUse(role: IRole, key: IKey, use: 'decrypt' | 'encrypt'): void {
  const actions = use === 'decrypt' ? ['kms:Decrypt'] : ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'];
  role.addToPrincipalPolicy(new PolicyStatement({ actions, resources: [key.keyArn] }));
}
