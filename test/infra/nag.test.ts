import { Stack, Validations } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { JobsService, type JobsServiceProps } from '../../infra/jobs-service.js';
import { SYNTH_TIMEOUT_MS, type SynthesizedService, synthesizeJobsService, testApp } from './fixture.js';

const SITE_CERTIFICATE =
  'arn:aws:acm:us-east-1:111122223333:certificate/0b2c8f4e-1111-2222-3333-444455556666';

/** The construct as deployed by default, with the page, with its own key and versioning, and with the page on its own domain and push access logs. */
const CONFIGURATIONS: Record<string, (stack: Stack) => JobsServiceProps> = {
  default: () => ({}),
  'with the page': () => ({ webApp: true }),
  'with a customer managed key and bucket versioning': (stack) => ({
    encryptionKey: new Key(stack, 'DataKey', { enableKeyRotation: true }),
    bucketVersioning: true,
    pushAccessLogs: true,
  }),
  'with the page on its own domain and push access logs': (stack) => ({
    corsOrigins: ['https://app.example.com'],
    pushAccessLogs: true,
    webApp: {
      customDomain: {
        domainName: 'jobs-page.example.com',
        certificate: Certificate.fromCertificateArn(stack, 'SiteCertificate', SITE_CERTIFICATE),
      },
    },
  }),
};

describe.each(Object.entries(CONFIGURATIONS))('cdk-nag AwsSolutions, %s', (_, propsOf) => {
  let synth: SynthesizedService;

  beforeAll(() => {
    synth = synthesizeJobsService(propsOf);
  }, SYNTH_TIMEOUT_MS);

  const acknowledgements = () => synth.service.nagAcknowledgements;

  /** The AwsSolutions pack, blind to acknowledgements: what it would report without them. */
  function unacknowledgedChecks(): AwsSolutionsChecks {
    const pack = new AwsSolutionsChecks();
    Reflect.set(pack, 'isAcknowledged', () => false);
    return pack;
  }

  it('reports no unacknowledged finding', () => {
    const report = new AwsSolutionsChecks().validateScope(synth.stack);
    expect(
      report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath)}`),
    ).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('acknowledges exactly the findings it would otherwise report, each on its own resource', () => {
    const findings = unacknowledgedChecks()
      .validateScope(synth.stack)
      .violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} @ ${r.constructPath}`))
      .sort();
    const acknowledged = acknowledgements()
      // With the `/` a finding's path goes on with, so both sort alike (`GET--docs/` after `GET--docs--renderer.js/`).
      .map((a) => `${a.id} @ ${a.scope.node.path}/`)
      .sort();
    // A finding sits on the CfnResource below the acknowledged construct (the role's policy, the route's resource).
    expect(findings).toHaveLength(acknowledged.length);
    for (const [i, finding] of findings.entries()) {
      expect(finding.startsWith(acknowledged[i] ?? '-'), `${finding} is ${acknowledged[i]}`).toBe(true);
    }
  });

  it('gives every acknowledgement a specific reason', () => {
    for (const { id, reason } of acknowledgements()) {
      expect(reason.length, id).toBeGreaterThan(80);
    }
  });
});

describe('cdk-nag AwsSolutions in an app', () => {
  it(
    'runs on every synth of an app and stops it on an unacknowledged finding',
    () => {
      // Prepare: the service plus a queue with no DLQ and no TLS policy.
      const app = testApp();
      const stack = new Stack(app, 'Nagged');
      new JobsService(stack, 'Jobs');
      new Queue(stack, 'Careless');
      Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

      // Act
      const failure = (() => {
        try {
          app.synth();
        } catch (error) {
          return String(error);
        }
        return 'no failure';
      })();

      // Assess: the careless queue is reported, nothing of the service is.
      expect(failure).toMatch(/AwsSolutions-SQS3[\s\S]*Nagged\/Careless/);
      expect(failure).not.toContain('Nagged/Jobs/');
    },
    SYNTH_TIMEOUT_MS,
  );
});
