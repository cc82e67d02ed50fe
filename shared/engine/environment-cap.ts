/**
 * An environment's cap on parts in flight, across all its executing jobs (docs/fairness.md).
 * Each windowed job of a capped environment declares, before it sends, how many parts it
 * will have in flight, on one item per environment rewritten under its version. A
 * declaration is an upper bound: a job's finished parts lower its real count before its
 * next top-up declares again, and a job that ended (failed, canceled) may leave its last
 * declaration behind. So when the declarations leave a job less room than it wants, the
 * job reads the others and puts their real counts in their place before it decides.
 */
import { environmentCapOf, inFlightOf, shareOfCap } from '../domain/fairness.js';
import type { EnvironmentInFlight, JobRecord } from '../ports.js';
import type { Services } from '../services.js';

/** The room a job has under its environment's cap, and how it claims it. */
export interface CapRoom {
  /** The most parts the job may have in flight. */
  allowed: number;
  /** Declares the job's parts in flight; false when another top-up wrote first. */
  claim(inFlight: number): Promise<boolean>;
}

/** Undefined for an environment without a cap. */
export async function roomUnderCap(
  services: Services,
  record: JobRecord,
  own: number,
  wanted: number,
): Promise<CapRoom | undefined> {
  const { environmentId, id: jobId } = record.job;
  const cap = environmentCapOf(services.fairness ?? { partsInFlightPerJob: 0 }, environmentId);
  if (cap === undefined) return undefined;
  let ledger = await services.jobs.environmentInFlight(environmentId);
  if (othersOf(ledger.jobs, jobId) + own + wanted > cap) {
    const corrected = { ...(await realInFlight(services, ledger.jobs, jobId)), [jobId]: own };
    if (await services.jobs.declareInFlight(environmentId, ledger, corrected))
      ledger = { version: ledger.version + 1, jobs: corrected };
  }
  const read = ledger;
  return {
    allowed: shareOfCap(cap, othersOf(read.jobs, jobId), own),
    claim: (inFlight) =>
      services.jobs.declareInFlight(environmentId, read, { ...read.jobs, [jobId]: inFlight }),
  };
}

/** A job that settled its parts takes its declaration back (a job that ended otherwise is dropped by the next correction). */
export async function releaseInFlight(services: Services, record: JobRecord): Promise<void> {
  const { environmentId, id: jobId } = record.job;
  if (environmentCapOf(services.fairness ?? { partsInFlightPerJob: 0 }, environmentId) === undefined) return;
  for (let race = 0; race < 20; race++) {
    const ledger = await services.jobs.environmentInFlight(environmentId);
    if (!(jobId in ledger.jobs)) return;
    const { [jobId]: _released, ...rest } = ledger.jobs;
    if (await services.jobs.declareInFlight(environmentId, ledger, rest)) return;
  }
}

function othersOf(jobs: Readonly<Record<string, number>>, jobId: string): number {
  let sum = 0;
  for (const [id, parts] of Object.entries(jobs)) if (id !== jobId) sum += parts;
  return sum;
}

/** The other declared jobs' real parts in flight, read from their job items; those no longer executing drop out. */
async function realInFlight(
  services: Services,
  declared: EnvironmentInFlight['jobs'],
  jobId: string,
): Promise<Record<string, number>> {
  const others = Object.keys(declared).filter((id) => id !== jobId);
  const records = await Promise.all(others.map((id) => services.jobs.get(id)));
  const real: Record<string, number> = {};
  for (const other of records) {
    if (other?.job.status !== 'EXECUTING' || !other.dispatch) continue;
    real[other.job.id] = inFlightOf(other.dispatch, other.job.processed + other.job.failed);
  }
  return real;
}
