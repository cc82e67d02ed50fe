import type { ScanCommand } from '../domain/events.js';
import type { Job, JobError, ResourceType } from '../domain/job.js';
import type { QueueMessage } from '../ports.js';
import type { Services } from '../services.js';

/** A part message as the processor receives it. */
export type PartMessage = Extract<QueueMessage, { part: number }>;

export interface CreateRequest {
  environmentId: string;
  input?: Record<string, unknown>;
  type: ResourceType;
  source: string;
  destination?: string;
  config: Record<string, unknown>;
}

export interface PlanResult<State = Record<string, unknown>> {
  parts: number;
  destination?: string;
  /** Kept on the job (as JSON) for the parts and finalize; never shown to callers. */
  state: State;
}

/**
 * What the engine calls, with the job's config and state as the job keeps them. The built-in
 * operations are written as an `OperationSpec`, with both typed (see define-operation.ts).
 */
export interface Operation {
  readonly name: string;
  /** Resource types the operation accepts as `type`. */
  readonly types: readonly ResourceType[];
  /** Carried out by a service outside partwise, which reports with ack / complete / fail. */
  readonly runsOutside?: boolean;
  /**
   * The job may complete without some parts, within its `config.tolerance` (domain/tolerance.ts):
   * finalize then gets the failed parts. An operation whose result would be wrong with parts
   * missing (an export's file) leaves it unset.
   */
  readonly toleratesFailedParts?: boolean;
  /**
   * Checks a create request before the job exists: the source belongs to the
   * environment, the config is valid. Returns the config with defaults applied.
   * Throws ValidationError / NotFoundError with a message for the caller.
   */
  validate(request: CreateRequest, services: Services): Promise<Record<string, unknown>>;
  /** Splits the work into parts (runs asynchronously, on the parts queue). */
  plan(job: Job, services: Services): Promise<PlanResult>;
  /** The queue messages of parts [from, to). */
  partMessages(
    job: Job,
    state: Record<string, unknown>,
    from: number,
    to: number,
    services: Services,
  ): Promise<PartMessage[]>;
  /** Does one part's whole work; idempotent (deterministic output keys, overwritten on retry). */
  runPart(
    job: Job,
    state: Record<string, unknown>,
    message: PartMessage,
    services: Services,
  ): Promise<Record<string, number>>;
  /**
   * Runs once every part is counted (or, under a tolerance, failed), before the job completes;
   * idempotent. Returns the job's outcome.
   */
  finalize(
    job: Job,
    state: Record<string, unknown>,
    services: Services,
    settled: Settled,
  ): Promise<Record<string, unknown>>;
  /**
   * Before a retry reruns the parts that did not finish: throws ConflictError when they can no
   * longer be rerun as planned (the source changed since planning).
   */
  checkRetry?(job: Job, state: Record<string, unknown>, services: Services): Promise<void>;
  /**
   * What execute will do, for a job in READY (`GET /jobs/:id/plan`): read from its plan and
   * its source, without writing anything.
   */
  review?(job: Job, state: Record<string, unknown>, services: Services): Promise<Record<string, unknown>>;
  /**
   * The config a job in READY plans with again, once a caller's change to its plan
   * (`PATCH /jobs/:id/plan`, the body as `patch`) is checked against the plan it has: throws
   * ValidationError (places `['body', …]`) for a change that does not fit. Writes nothing; the
   * engine commits the config and plans the job again.
   */
  revisePlan?(
    job: Job,
    state: Record<string, unknown>,
    patch: Record<string, unknown>,
    services: Services,
  ): Promise<Record<string, unknown>>;
  /**
   * Removes what the job wrote, once it ended FAILED or CANCELED: records it added to a
   * destination, objects it meant to join, a file it registered. The engine removes the
   * job's plans itself. Idempotent, and safe on a job that never planned (`state` is then
   * empty): it runs from the `cleanup` command, again for each part or finalize that was
   * still running when the job ended, and again after a crash. Returns what the job's
   * outcome tells the caller about it (`message`: what was removed, what stays).
   */
  abandon?(job: Job, state: Record<string, unknown>, services: Services): Promise<AbandonNote>;
  /**
   * Distributed planning: scans one range that a plan asked for (`ScansPending`), and stores
   * what it found where the plan reads it when it runs again, under the job's plans. Returns
   * the object's key. Idempotent (a deterministic key, overwritten).
   */
  scanRange?(job: Job, command: ScanCommand, services: Services): Promise<string>;
  /**
   * A copy of a part ran after the job completed (SQS delivers at least once, and a part can
   * outlive the finalize that already used its output): removes what such a part writes
   * apart from the job's result — a temporary object, a note — never the result itself.
   * Idempotent.
   */
  discardLatePart?(
    job: Job,
    state: Record<string, unknown>,
    message: PartMessage,
    services: Services,
  ): Promise<void>;
}

/** How a job's parts ended, for its finalize. */
export interface Settled {
  /** The parts that failed for good, which the job's tolerance let it complete without (in part order). */
  failed: { part: number; error: JobError }[];
}

/** What a FAILED or CANCELED job's outcome says about the data it had written. */
export interface AbandonNote {
  message: string;
  /** The job's `destination` is gone with what it wrote (an export's file): the job stops naming it. */
  destinationRemoved?: boolean;
  [field: string]: unknown;
}

/**
 * Thrown by an operation's `plan` that needs ranges of its source scanned by other functions
 * first (distributed planning, engine/scans.ts): the engine sends one `scan` command per
 * range still missing, and the plan runs again once the wave's every range is in.
 */
export class ScansPending extends Error {
  constructor(
    /** Names the content and the ranges: scans of another wave are never counted with these. */
    readonly wave: string,
    /** Ranges in the wave. */
    readonly total: number,
    /** The ranges not yet scanned, with what a scan of each needs. */
    readonly missing: { range: number; scan: Record<string, unknown> }[],
  ) {
    super(`Planning waits for ${missing.length} of ${total} range scans (wave ${wave}).`);
    this.name = 'ScansPending';
  }
}
