import { ackTimeoutSecondsOf } from '../domain/deadlines.js';
import {
  ConflictError,
  IdempotencyKeyReusedError,
  isPermanent,
  NotFoundError,
  ValidationError,
} from '../domain/errors.js';
import type { JobCommand } from '../domain/events.js';
import type { JobPriority } from '../domain/fairness.js';
import { requestFingerprint } from '../domain/idempotency.js';
import { newId } from '../domain/ids.js';
import type { Job, JobError, JobMode, ResourceType, Trigger } from '../domain/job.js';
import { isFinal } from '../domain/status.js';
import { faultPoint } from '../faults.js';
import { actionsOf } from '../operations/custom.js';
import { jobOptions, operationConfig } from '../operations/job-options.js';
import { type Operation, ScansPending } from '../operations/operation.js';
import { planKeyOf, removePlan } from '../operations/plans.js';
import { operationFor } from '../operations/registry.js';
import type { JobRecord } from '../ports.js';
import type { Services } from '../services.js';
import { abandonJob, isAbandoned, markJobDeleted, withCleanup } from './cleanup.js';
import { type Commit, commitJob, outboxFor } from './commit.js';
import { relayCommitted } from './relay.js';
import { sendScans } from './scans.js';
import { windowedDispatch } from './window.js';

export interface CreateJobInput {
  type: ResourceType;
  operation: string;
  source: string;
  destination?: string;
  config?: Record<string, unknown>;
  trigger?: Trigger;
  mode?: JobMode;
  input?: Record<string, unknown>;
  priority?: JobPriority;
}

/** A job of the caller's environment, or 404 (another environment's job is never revealed). */
export async function jobOf(services: Services, environmentId: string, jobId: string): Promise<JobRecord> {
  const record = await services.jobs.get(jobId);
  if (!record || record.job.environmentId !== environmentId) throw new NotFoundError('Job', jobId);
  return record;
}

/** A custom action's job takes the mode its action declares; others run in the background. */
async function defaultMode(
  services: Services,
  environmentId: string,
  input: CreateJobInput,
  operation: Operation,
): Promise<JobMode> {
  if (!operation.runsOutside) return 'background';
  const actions = await actionsOf(services, { environmentId, type: input.type, source: input.source });
  return actions.find((action) => action.operation === operation.name)?.mode ?? 'background';
}

/** Creates a job in PLANNING, committed with `job:waiting` and the command that plans it. */
export async function createJob(
  services: Services,
  environmentId: string,
  input: CreateJobInput,
  idempotencyKey?: string,
): Promise<{ job: Job; created: boolean }> {
  const operation = operationFor(input.operation, input.type);
  if (!operation.types.includes(input.type)) {
    throw new ValidationError(
      `Operation "${operation.name}" takes type ${operation.types.map((t) => `"${t}"`).join(' or ')}, not "${input.type}".`,
      { errors: [{ path: ['body', 'type'], detail: `must be one of: ${operation.types.join(', ')}` }] },
    );
  }
  const requested = input.config ?? {};
  const options = jobOptions(requested, operation);
  const operationsOwn = await operation.validate(
    {
      environmentId,
      type: input.type,
      source: input.source,
      config: operationConfig(requested),
      ...(input.destination ? { destination: input.destination } : {}),
      ...(input.input ? { input: input.input } : {}),
    },
    services,
  );
  const config = { ...operationsOwn, ...options };
  const now = services.now().toISOString();
  const job: Job = {
    id: newId('job'),
    environmentId,
    type: input.type,
    operation: operation.name,
    source: input.source,
    ...(input.destination ? { destination: input.destination } : {}),
    config,
    trigger: input.trigger ?? 'manual',
    mode: input.mode ?? (await defaultMode(services, environmentId, input, operation)),
    ...(input.input ? { input: input.input } : {}),
    ...(input.priority && input.priority !== 'normal' ? { priority: input.priority } : {}),
    status: 'PLANNING',
    attempt: 1,
    parts: 0,
    processed: 0,
    rowsProcessed: 0,
    failed: 0,
    progress: 0,
    createdAt: now,
    updatedAt: now,
  };
  const blank: JobRecord = {
    job,
    version: 0,
    eventCount: 0,
    executeRequested: false,
    state: {},
    lastProgressEventAt: 0,
    outbox: [],
  };
  const outbox = outboxFor(
    blank,
    { changes: {}, topics: ['job:waiting'], commands: [{ kind: 'plan', jobId: job.id }] },
    now,
  );
  // The request as the caller sent it: a repeat must match it, not what partwise made of it.
  const fingerprint = requestFingerprint(input);
  const { record, ...outcome } = await services.jobs.create(
    job,
    outbox,
    idempotencyKey ? { key: idempotencyKey, fingerprint } : undefined,
  );
  const { created } = outcome;
  if (created) await relayCommitted(services, record);
  if (!created && record.job.environmentId !== environmentId)
    throw new ConflictError('Idempotency key clash.');
  // A job stored before fingerprints were has none: it is taken as the same request, as then.
  if (!created && outcome.fingerprint !== undefined && outcome.fingerprint !== fingerprint)
    throw new IdempotencyKeyReusedError(record.job.id);
  return { job: record.job, created };
}

/**
 * READY → EXECUTING with `job:started` and the first dispatch step. A job still planning
 * is marked to start as soon as its parts are planned. Any other status: 409.
 */
export async function executeJob(services: Services, environmentId: string, jobId: string): Promise<Job> {
  const first = await jobOf(services, environmentId, jobId);
  const record = await commitJob(
    services,
    jobId,
    (current) => {
      if (current.job.status === 'PLANNING') {
        return current.executeRequested ? undefined : { changes: { executeRequested: true } };
      }
      if (current.job.status === 'READY') return startCommit(current, services);
      throw new ConflictError(
        `Job ${jobId} is ${current.job.status}: only a PLANNING or READY job can be executed.`,
        'job-not-executable',
      );
    },
    first,
  );
  if (!record) throw new NotFoundError('Job', jobId);
  return record.job;
}

/**
 * → EXECUTING with `job:started`. Parts-based jobs get their first dispatch step; a job
 * carried out outside gets the timer that fails it if no executor acknowledges it.
 */
function startCommit(record: JobRecord, services: Services): Commit {
  const now = services.now();
  const operation = operationFor(record.job.operation, record.job.type);
  const ackTimeoutSeconds = ackTimeoutSecondsOf(record.job);
  const command: JobCommand = operation.runsOutside
    ? {
        kind: 'ack-timeout',
        jobId: record.job.id,
        due: new Date(now.getTime() + ackTimeoutSeconds * 1000).toISOString(),
      }
    : { kind: 'dispatch', jobId: record.job.id, from: 0 };
  return {
    changes: {
      job: { status: 'EXECUTING', startedAt: now.toISOString() },
      resetCounts: true,
      ...(operation.runsOutside ? {} : windowedDispatch(services, record, 1)),
    },
    topics: ['job:started'],
    commands: [command],
  };
}

/**
 * Deletes a job that is not executing, with `job:deleted`. A job that ended FAILED or
 * CANCELED is deleted once its cleanup is done (usually a moment after it ended): the
 * cleanup reads the job to know what to remove. A job waiting for a retry (its retry window
 * still open) has its cleanup sent now, which deletes the job once it is done: `deleting`.
 */
export async function deleteJob(
  services: Services,
  environmentId: string,
  jobId: string,
): Promise<'deleted' | 'deleting'> {
  const record = await jobOf(services, environmentId, jobId);
  const check = (current: JobRecord) => {
    if (current.job.status === 'EXECUTING') {
      throw new ConflictError(
        `Job ${jobId} is EXECUTING: cancel it or wait until it ends before deleting it.`,
        'job-executing',
      );
    }
    if (current.cleanupPending && !current.cleanupDueAt) {
      throw new ConflictError(
        `Job ${jobId} is ${current.job.status} and still removing what it wrote: delete it in a moment.`,
        'job-cleaning-up',
      );
    }
  };
  check(record);
  if (record.cleanupPending) {
    await commitJob(
      services,
      jobId,
      (current) =>
        current.cleanupPending && !current.deleteRequested
          ? {
              changes: { deleteRequested: true, cleanupDueAt: services.now().toISOString() },
              commands: [{ kind: 'cleanup', jobId }],
            }
          : undefined,
      record,
    );
    return 'deleting';
  }
  await markJobDeleted(services, jobId, record, check);
  return 'deleted';
}

/** Fails a job that is not final yet, with `job:failed` and the command that removes what it wrote. */
export async function failJob(
  services: Services,
  jobId: string,
  error: JobError,
): Promise<JobRecord | undefined> {
  return commitJob(services, jobId, (current) =>
    isFinal(current.job.status)
      ? undefined
      : withCleanup(
          current,
          {
            changes: { job: { status: 'FAILED', error, finishedAt: services.now().toISOString() } },
            topics: ['job:failed'],
          },
          services,
        ),
  );
}

/** The `plan` command: PLANNING → READY, or straight on to EXECUTING when asked to. */
export async function planJob(services: Services, jobId: string): Promise<void> {
  const record = await services.jobs.get(jobId);
  if (record?.job.status !== 'PLANNING') return; // a duplicate command
  const operation = operationFor(record.job.operation, record.job.type);
  let plan: Awaited<ReturnType<typeof operation.plan>>;
  try {
    plan = await operation.plan(record.job, services);
  } catch (error) {
    if (error instanceof ScansPending) {
      // Distributed planning: the plan runs again once its ranges are scanned.
      await sendScans(services, jobId, error);
      return;
    }
    if (isPermanent(error)) {
      await failJob(services, jobId, { code: error.code, message: error.message });
      return;
    }
    throw error;
  }
  faultPoint('plan:after-plan');
  const after = await commitJob(
    services,
    jobId,
    (current) => {
      if (current.job.status !== 'PLANNING') return undefined;
      const planned = {
        job: { parts: plan.parts, ...(plan.destination ? { destination: plan.destination } : {}) },
        state: plan.state,
      };
      if (current.executeRequested || current.job.trigger === 'immediate') {
        const start = startCommit(current, services);
        return {
          ...start,
          changes: { ...start.changes, ...planned, job: { ...start.changes.job, ...planned.job } },
        };
      }
      return { changes: { ...planned, job: { ...planned.job, status: 'READY' } } };
    },
    record,
  );
  // Canceled while planning: its cleanup may have run before this plan was written.
  if (after && isAbandoned(after.job.status)) {
    await abandonJob(services, after.job, plan.state);
    return;
  }
  // Another attempt's plan was committed (a duplicate delivery planned beside this one): this
  // plan is never read, and the job may have ended and removed its plans already.
  const ours = planKeyOf(plan.state);
  if (ours && planKeyOf(after?.state ?? {}) !== ours) await removePlan(services, ours);
}
