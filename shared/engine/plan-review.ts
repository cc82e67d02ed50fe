/**
 * A manual job's plan, reviewed and changed before execute (docs/plan.md):
 * `GET /jobs/:id/plan` shows what execute will do, from the plan the job keeps, for a job in
 * READY; `PATCH /jobs/:id/plan` checks a change against that plan and sends the job back
 * READY → PLANNING with the changed config and a `plan` command, in one commit, so the same
 * planner plans it again, and an execute that arrives meanwhile waits for the new plan (as for
 * any job still planning, see `executeJob`): the old plan is never run.
 */
import { ConflictError, NotFoundError, ValidationError } from '../domain/errors.js';
import type { Job } from '../domain/job.js';
import { isFinal } from '../domain/status.js';
import { withEngineOptions } from '../operations/job-options.js';
import { removePlan } from '../operations/plans.js';
import { operationFor } from '../operations/registry.js';
import type { JobRecord } from '../ports.js';
import type { Services } from '../services.js';
import { commitJob } from './commit.js';
import { jobOf } from './lifecycle.js';

/** Why a job that is not READY has no plan to review or change (409). */
function notReady(record: JobRecord, doing: 'reviewed' | 'changed'): ConflictError {
  const { id, status } = record.job;
  if (status === 'PLANNING') {
    return new ConflictError(
      `Job ${id} is PLANNING: it is still planning, try again in a moment (its plan can be ${doing} once it is READY).`,
      'job-planning',
    );
  }
  if (status === 'CANCELED') {
    return new ConflictError(`Job ${id} is CANCELED: it has no plan to be ${doing}.`, 'job-not-ready');
  }
  const carried = isFinal(status) ? 'was carried out' : 'is being carried out';
  return new ConflictError(
    `Job ${id} is ${status}: its plan ${carried}; a plan can be ${doing} only while the job is READY.`,
    'job-not-ready',
  );
}

/** What execute will do, for a job in READY; 409 in any other status or for an operation with no review. */
export async function reviewPlan(
  services: Services,
  environmentId: string,
  jobId: string,
): Promise<Record<string, unknown>> {
  const record = await jobOf(services, environmentId, jobId);
  if (record.job.status !== 'READY') throw notReady(record, 'reviewed');
  const operation = operationFor(record.job.operation, record.job.type);
  if (!operation.review) {
    throw new ConflictError(
      `Job ${jobId} is a ${operation.name} job: there is no plan review for this operation (extract and map have one). POST /jobs/${jobId}/execute runs its ${record.job.parts} part(s).`,
      'no-plan-review',
    );
  }
  const planKey = record.state.planKey;
  let review: Record<string, unknown>;
  try {
    review = await operation.review(record.job, record.state, services);
  } catch (error) {
    // The plan was changed (PATCH) while it was read: its old plan object is gone.
    if (error instanceof NotFoundError && !(await stillPlannedBy(services, jobId, planKey))) {
      throw new ConflictError(
        `Job ${jobId}'s plan changed while it was read: it is planning again, try again in a moment.`,
        'job-planning',
      );
    }
    throw error;
  }
  return { jobId, operation: record.job.operation, status: record.job.status, ...review };
}

async function stillPlannedBy(services: Services, jobId: string, planKey: unknown): Promise<boolean> {
  const now = await services.jobs.get(jobId);
  return now?.job.status === 'READY' && now.state.planKey === planKey;
}

/**
 * Changes a READY job's plan: the operation checks the change against the plan and returns the
 * config to plan with; the job goes READY → PLANNING with it, `job:waiting` and a `plan`
 * command in one commit. The old plan object goes (the new plan saves its own). 409 in any
 * other status, or when the job changed between the check and the commit (a concurrent change:
 * the caller reviews the plan again); 400 for an operation whose plan is fixed at creation.
 */
export async function revisePlan(
  services: Services,
  environmentId: string,
  jobId: string,
  patch: Record<string, unknown>,
): Promise<Job> {
  const first = await jobOf(services, environmentId, jobId);
  if (first.job.status !== 'READY') throw notReady(first, 'changed');
  const operation = operationFor(first.job.operation, first.job.type);
  if (!operation.revisePlan) {
    throw new ValidationError(
      operation.name === 'map'
        ? `A map's field mapping is set when the job is created (config.mappings[].fields): GET /jobs/${jobId}/plan shows it; to change it, cancel this job and create another.`
        : `A ${operation.name} job's plan is set when it is created: PATCH /jobs/:id/plan changes an extract's mapping, delimiter and header row.`,
      { errors: [{ path: ['body'], detail: `the plan of a ${operation.name} job cannot be changed` }] },
    );
  }
  const config = await operation.revisePlan(first.job, first.state, patch, services);
  const record = await commitJob(
    services,
    jobId,
    (current) => {
      if (current.job.status !== 'READY') throw notReady(current, 'changed');
      if (current.state.planKey !== first.state.planKey) {
        throw new ConflictError(
          `Job ${jobId}'s plan changed while this change was checked: GET /jobs/${jobId}/plan and send the change again.`,
          'plan-changed',
        );
      }
      return {
        changes: {
          // The engine's keys (tolerance, retry window) stay as the job was created with them.
          job: { status: 'PLANNING', config: withEngineOptions(config, current.job.config), parts: 0 },
          executeRequested: false,
        },
        topics: ['job:waiting'],
        commands: [{ kind: 'plan', jobId }],
      };
    },
    first,
  );
  if (!record) throw new NotFoundError('Job', jobId);
  const oldPlan = first.state.planKey;
  if (typeof oldPlan === 'string') await removePlan(services, oldPlan);
  return record.job;
}
