/**
 * Checks of the resolved JobsService props against each other and against AWS limits.
 * Every problem is collected (none stops the others), so one error can list them all.
 * Values that are CDK tokens (parameters, imports) are known only at deploy time and skipped.
 */
import { type Duration, Token } from 'aws-cdk-lib';
import { MAX_PARTS, MIN_PART_SIZE_BYTES } from '../shared/domain/parts.js';
import type { ResolvedJobsServiceProps } from './props.js';

export function validateJobsServiceProps(p: ResolvedJobsServiceProps): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, problem: string) => {
    if (!ok) problems.push(problem);
  };

  if (!Token.isUnresolved(p.eventSource)) {
    check(
      p.eventSource.length > 0 && p.eventSource.length <= 256,
      `eventSource must be 1 to 256 characters, got "${p.eventSource}"`,
    );
    // PutEvents rejects sources starting with "aws." — they belong to AWS services.
    check(
      !p.eventSource.startsWith('aws.'),
      `eventSource must not start with "aws.", got "${p.eventSource}"`,
    );
  }

  if (!Token.isUnresolved(p.metricsNamespace)) {
    // CloudWatch namespaces: 1-255 of these characters; "AWS/" belongs to AWS services.
    check(
      /^[A-Za-z0-9.\-_/#:]{1,255}$/.test(p.metricsNamespace) && !p.metricsNamespace.startsWith('AWS/'),
      `metricsNamespace must be 1 to 255 letters, digits or . - _ / # : and not start with "AWS/", got "${p.metricsNamespace}"`,
    );
  }
  // The alarm reads the queue's metric in 5-minute periods.
  check(
    p.partsQueueAgeAlarmThreshold.toSeconds() >= 300,
    `partsQueueAgeAlarmThreshold must be at least 5 minutes, got ${p.partsQueueAgeAlarmThreshold.toHumanString()}`,
  );

  wholeDays(p.eventArchiveRetention, 'eventArchiveRetention', problems);
  wholeDays(p.eventRetention, 'eventRetention', problems);
  wholeDays(p.temporaryObjectRetention, 'temporaryObjectRetention', problems);
  if (p.noncurrentVersionRetention) {
    wholeDays(p.noncurrentVersionRetention, 'noncurrentVersionRetention', problems);
    check(
      p.bucketVersioning,
      'noncurrentVersionRetention applies only with bucketVersioning: true (an unversioned bucket keeps no earlier versions)',
    );
  }

  integerIn(p.processorMemorySize, 128, 10_240, 'processorMemorySize (MB, the Lambda limits)', problems);
  // 2..1000 are the limits of an SQS event source's maximum concurrency.
  integerIn(
    p.processorMaxConcurrency,
    2,
    1000,
    'processorMaxConcurrency (the SQS event source limits)',
    problems,
  );
  integerIn(p.processorBatchSize, 1, 10, 'processorBatchSize (messages per processor invocation)', problems);
  if (!Token.isUnresolved(p.defaultPartSizeBytes)) {
    check(
      Number.isInteger(p.defaultPartSizeBytes) && p.defaultPartSizeBytes >= MIN_PART_SIZE_BYTES,
      `defaultPartSizeBytes must be an integer of at least ${MIN_PART_SIZE_BYTES}, got ${p.defaultPartSizeBytes}`,
    );
  }

  // Up to the largest file a job may have: MAX_PARTS parts of the largest part size S3 reads in one GET (5 GiB).
  integerIn(
    p.distributedPlanningBytes,
    0,
    Number.MAX_SAFE_INTEGER,
    'distributedPlanningBytes (0: every file is planned in one function)',
    problems,
  );

  fairness(p, problems);

  const timeout = seconds(p.processorTimeout);
  if (timeout !== undefined) {
    // 900 s is Lambda's maximum; six times it (the queue's visibility timeout) stays under SQS's 12 h.
    check(
      Number.isInteger(timeout) && timeout >= 1 && timeout <= 900,
      `processorTimeout must be whole seconds from 1 s to 15 minutes, got ${timeout} s`,
    );
  }

  const cacheTtl = seconds(p.authorizerCacheTtl);
  if (cacheTtl !== undefined) {
    check(
      Number.isInteger(cacheTtl) && cacheTtl >= 0 && cacheTtl <= 3600,
      `authorizerCacheTtl must be whole seconds from 0 to 3600 (the API Gateway limit), got ${cacheTtl} s`,
    );
  }

  const sweep = seconds(p.sweepInterval);
  if (sweep !== undefined) {
    check(
      sweep >= 60 && sweep % 60 === 0,
      `sweepInterval must be whole minutes of at least 1 (EventBridge schedules have minute granularity), got ${sweep} s`,
    );
  }

  const { rateLimit, burstLimit } = p.apiThrottle;
  check(rateLimit > 0, `apiThrottle.rateLimit must be positive, got ${rateLimit}`);
  check(
    Number.isInteger(burstLimit) && burstLimit >= 1,
    `apiThrottle.burstLimit must be a positive integer, got ${burstLimit}`,
  );

  check(p.corsOrigins.length > 0, 'corsOrigins must list at least one origin (or "*")');
  if (p.corsOrigins.includes('*') && p.corsOrigins.length > 1) {
    problems.push(
      `corsOrigins must be ["*"] alone or a list of origins, got ${JSON.stringify(p.corsOrigins)}`,
    );
  }
  for (const origin of p.corsOrigins) {
    check(
      origin === '*' || /^https?:\/\/[^/\s?#]+$/.test(origin),
      `corsOrigins entries must be "*" or an origin like "https://app.example.com" (no path), got "${origin}"`,
    );
  }

  if (p.customDomain) hostName(p.customDomain.domainName, 'customDomain.domainName', problems);

  const site = p.webApp?.customDomain;
  if (site) {
    hostName(site.domainName, 'webApp.customDomain.domainName', problems, 'app.example.com');
    if (
      !Token.isUnresolved(site.domainName) &&
      p.customDomain &&
      !Token.isUnresolved(p.customDomain.domainName)
    ) {
      check(
        site.domainName.toLowerCase() !== p.customDomain.domainName.toLowerCase(),
        `webApp.customDomain.domainName must differ from customDomain.domainName (the API's), both are "${site.domainName}"`,
      );
    }
    // arn:aws:acm:<region>:<account>:certificate/<id>
    const arn = site.certificate.certificateArn;
    const region = Token.isUnresolved(arn) ? undefined : arn.split(':')[3];
    check(
      region === undefined || region === 'us-east-1',
      `webApp.customDomain.certificate must be in us-east-1 (CloudFront takes no other region), got one in ${region}`,
    );
  }

  return problems;
}

/** The dispatch window and the environment caps (docs/fairness.md). */
function fairness(p: ResolvedJobsServiceProps, problems: string[]): void {
  integerIn(p.partsInFlightPerJob, 0, MAX_PARTS, 'partsInFlightPerJob (0 turns the window off)', problems);
  integerIn(p.partsInFlightPerEnvironment, 0, MAX_PARTS, 'partsInFlightPerEnvironment (0: no cap)', problems);
  // The processors a job's window leaves free are where other jobs' messages run at once.
  const window = p.partsInFlightPerJob;
  const concurrency = p.processorMaxConcurrency;
  // An out-of-range concurrency is reported on its own.
  const known = !Token.isUnresolved(window) && !Token.isUnresolved(concurrency) && concurrency >= 2;
  if (known && window > 0 && window >= concurrency) {
    problems.push(
      `partsInFlightPerJob must be below processorMaxConcurrency (${concurrency}), got ${window}: a job's window must leave processors free for other jobs' messages (docs/fairness.md); 0 turns the window off`,
    );
  }
  const overrides = Object.entries(p.environmentPartsInFlight);
  for (const [environmentId, cap] of overrides) {
    if (!/^env_\w{1,64}$/.test(environmentId))
      problems.push(`environmentPartsInFlight keys must be environment ids (env_…), got "${environmentId}"`);
    integerIn(cap, 1, MAX_PARTS, `environmentPartsInFlight.${environmentId}`, problems);
  }
  const capped = p.partsInFlightPerEnvironment !== 0 || overrides.length > 0;
  if (capped && p.partsInFlightPerJob === 0 && !Token.isUnresolved(p.partsInFlightPerJob)) {
    problems.push(
      "partsInFlightPerEnvironment and environmentPartsInFlight need partsInFlightPerJob above 0: an environment is capped through its jobs' windows",
    );
  }
  // Lambda's environment variables share 4 KB; the overrides travel in one of them.
  const size = JSON.stringify(p.environmentPartsInFlight).length;
  if (size > 2048)
    problems.push(
      `environmentPartsInFlight must fit 2,048 characters as JSON, got ${size}: cap fewer environments`,
    );
}

function hostName(value: string, name: string, problems: string[], example = 'jobs.example.com'): void {
  if (Token.isUnresolved(value)) return;
  if (!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i.test(value)) {
    problems.push(`${name} must be a host name like "${example}", got "${value}"`);
  }
}

function seconds(duration: Duration): number | undefined {
  if (duration.isUnresolved()) return undefined;
  return duration.toSeconds({ integral: false });
}

function wholeDays(duration: Duration, name: string, problems: string[]): void {
  const s = seconds(duration);
  if (s !== undefined && (s < 86_400 || s % 86_400 !== 0)) {
    problems.push(`${name} must be a whole number of days, at least 1, got ${duration.toHumanString()}`);
  }
}

function integerIn(value: number, min: number, max: number, name: string, problems: string[]): void {
  if (Token.isUnresolved(value)) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
}
