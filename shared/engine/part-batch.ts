import type { PartMessage } from '../operations/operation.js';
import type { JobRecord } from '../ports.js';
import type { Services } from '../services.js';
import { countParts, executePart, type RanPart } from './parts.js';

/** A part of a batch that could not be counted: it is retried, as one whose work failed. */
export interface UncountedPart {
  /** The batch's own name for the part (the SQS message id). */
  id: string;
  message: PartMessage;
  error: unknown;
}

/**
 * The parts of one processor invocation (an SQS batch). Each part's work runs as it comes,
 * sharing one read of its job with the batch's other parts of that job; what finished is
 * counted at the end, job by job, in one job-item write each (mostly) instead of one per
 * part. A part counts only once its job's write went through: until then its message is
 * not done, and a count that fails sends every part of that job back to the queue (counting
 * is idempotent, so their redelivery counts each once).
 */
export class PartBatch {
  private readonly jobs = new Map<string, Promise<JobRecord | undefined>>();
  private readonly ran = new Map<string, Array<RanPart & { id: string }>>();

  constructor(private readonly services: Services) {}

  /** The job, read once per batch. */
  job(jobId: string): Promise<JobRecord | undefined> {
    let job = this.jobs.get(jobId);
    if (!job) {
      job = this.services.jobs.get(jobId);
      this.jobs.set(jobId, job);
    }
    return job;
  }

  /** Runs a part's work; throws what a retry may cure. */
  async run(id: string, message: PartMessage): Promise<void> {
    const ran = await executePart(this.services, message, await this.job(message.jobId));
    if (!ran) return;
    const ofJob = this.ran.get(message.jobId) ?? [];
    this.ran.set(message.jobId, [...ofJob, { id, message, ...ran }]);
  }

  /** Counts what ran, job by job; returns the parts whose count failed. */
  async count(): Promise<UncountedPart[]> {
    const uncounted: UncountedPart[] = [];
    for (const [jobId, ran] of this.ran) {
      try {
        await countParts(this.services, jobId, ran);
      } catch (error) {
        uncounted.push(...ran.map(({ id, message }) => ({ id, message, error })));
      }
    }
    this.ran.clear();
    return uncounted;
  }
}
