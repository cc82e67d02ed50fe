/**
 * An operation written against its own types. The engine keeps a job's config and state as
 * JSON objects and hands them to the `Operation` as such; `defineOperation` reads them through
 * the operation's schemas, so each method of an `OperationSpec` receives them typed, and checks
 * what the operation hands back to be kept (the config `validate` returns, the state `plan`
 * returns) against the same schemas, so a job never keeps what it could not read back.
 */
import type * as z from 'zod';
import type { ScanCommand } from '../domain/events.js';
import type { Job, ResourceType } from '../domain/job.js';
import type { Services } from '../services.js';
import { StoredJobError } from './errors.js';
import { operationConfig } from './job-options.js';
import type { AbandonNote, CreateRequest, Operation, PartMessage, PlanResult, Settled } from './operation.js';

/** A config or a state as the job keeps it: a JSON object. */
type Kept = Record<string, unknown>;

/** A job being planned, as its operation sees it: its config parsed. */
export interface PlanningJob<Config> {
  job: Job;
  config: Config;
}

/** A planned job, as its operation sees it: its config and its state parsed. */
export interface PlannedJob<Config, State> extends PlanningJob<Config> {
  state: State;
}

/** An operation with its config and state typed; each method does what `Operation`'s does. */
export interface OperationSpec<Config extends Kept, State extends Kept> {
  readonly name: string;
  readonly types: readonly ResourceType[];
  readonly toleratesFailedParts?: boolean;
  /**
   * What `validate` returns, which the job keeps as its config. Input and output are one type:
   * what the job keeps is read back through this schema, so it must not transform.
   */
  readonly config: z.ZodType<Config, Config>;
  /** What `plan` returns as the state, kept on the job for the parts, finalize and abandon. */
  readonly state: z.ZodType<State, State>;
  validate(request: CreateRequest, services: Services): Promise<Config>;
  plan(planning: PlanningJob<Config>, services: Services): Promise<PlanResult<State>>;
  partMessages(
    planned: PlannedJob<Config, State>,
    from: number,
    to: number,
    services: Services,
  ): Promise<PartMessage[]>;
  runPart(
    planned: PlannedJob<Config, State>,
    message: PartMessage,
    services: Services,
  ): Promise<Record<string, number>>;
  finalize(
    planned: PlannedJob<Config, State>,
    services: Services,
    settled: Settled,
  ): Promise<Record<string, unknown>>;
  review?(planned: PlannedJob<Config, State>, services: Services): Promise<Record<string, unknown>>;
  checkRetry?(planned: PlannedJob<Config, State>, services: Services): Promise<void>;
  revisePlan?(
    planned: PlannedJob<Config, State>,
    patch: Record<string, unknown>,
    services: Services,
  ): Promise<Config>;
  /** `state` is undefined when the job ended before a plan was kept (canceled while planning). */
  abandon?(ended: PlannedJob<Config, State | undefined>, services: Services): Promise<AbandonNote>;
  discardLatePart?(
    planned: PlannedJob<Config, State>,
    message: PartMessage,
    services: Services,
  ): Promise<void>;
  scanRange?(planning: PlanningJob<Config>, command: ScanCommand, services: Services): Promise<string>;
}

/** The engine creates a job with the state `{}`, and only a plan writes it. */
const wasPlanned = (state: Kept): boolean => Object.keys(state).length > 0;

/**
 * Reads and checks one kind of object a job keeps. A batch of parts of one job shares one
 * job record (see `runPart` in engine/parts.ts), so each object is parsed once, not once a
 * part: the parsed value is remembered by the object the engine passes.
 */
function keptAs<T extends Kept>(
  operation: string,
  field: 'config' | 'state',
  schema: z.ZodType<T, T>,
  ours: (kept: Kept) => Kept = (kept) => kept,
) {
  const parsed = new WeakMap<Kept, T>();
  const parse = (value: Kept, whose: () => string): T => {
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    const issues = result.error.issues.map(
      (issue) => `${[field, ...issue.path].map(String).join('.')} ${issue.message}`,
    );
    throw new StoredJobError(`${whose()} does not parse: ${issues.join('; ')}.`, { cause: result.error });
  };
  return {
    /** The job's kept object, parsed. */
    read(kept: Kept, job: Job): T {
      const known = parsed.get(kept);
      if (known) return known;
      const value = parse(ours(kept), () => `The ${field} kept by ${operation} job ${job.id}`);
      parsed.set(kept, value);
      return value;
    },
    /** What the operation hands the engine to keep, checked; the engine keeps the parsed value. */
    written(value: T, whose: () => string): T {
      const checked = parse(value, whose);
      parsed.set(checked, checked);
      return checked;
    },
  };
}

/** The engine-facing operation of a spec: the job's config and state parsed for each method. */
export function defineOperation<Config extends Kept, State extends Kept>(
  spec: OperationSpec<Config, State>,
): Operation {
  // A job's config also holds the engine's keys (tolerance, …): the operation reads its own.
  const configs = keptAs(spec.name, 'config', spec.config, operationConfig);
  const states = keptAs(spec.name, 'state', spec.state);
  const planning = (job: Job): PlanningJob<Config> => ({ job, config: configs.read(job.config, job) });
  const planned = (job: Job, state: Kept): PlannedJob<Config, State> => ({
    ...planning(job),
    state: states.read(state, job),
  });

  const operation: Operation = {
    name: spec.name,
    types: spec.types,
    ...(spec.toleratesFailedParts ? { toleratesFailedParts: true } : {}),
    async validate(request, services) {
      const config = await spec.validate(request, services);
      return configs.written(config, () => `The config ${spec.name}'s validate returned`);
    },
    async plan(job, services) {
      const result = await spec.plan(planning(job), services);
      const state = states.written(
        result.state,
        () => `The state ${spec.name}'s plan returned for job ${job.id}`,
      );
      return { ...result, state };
    },
    partMessages: (job, state, from, to, services) =>
      spec.partMessages(planned(job, state), from, to, services),
    runPart: (job, state, message, services) => spec.runPart(planned(job, state), message, services),
    finalize: (job, state, services, settled) => spec.finalize(planned(job, state), services, settled),
  };
  const { abandon, discardLatePart, review, checkRetry, revisePlan, scanRange } = spec;
  if (scanRange)
    operation.scanRange = (job, command, services) => scanRange.call(spec, planning(job), command, services);
  if (checkRetry)
    operation.checkRetry = (job, state, services) => checkRetry.call(spec, planned(job, state), services);
  if (review) operation.review = (job, state, services) => review.call(spec, planned(job, state), services);
  if (revisePlan) {
    operation.revisePlan = async (job, state, patch, services) =>
      configs.written(
        await revisePlan.call(spec, planned(job, state), patch, services),
        () => `The config ${spec.name}'s revisePlan returned for job ${job.id}`,
      );
  }
  if (abandon) {
    operation.abandon = (job, state, services) =>
      abandon.call(
        spec,
        { ...planning(job), state: wasPlanned(state) ? states.read(state, job) : undefined },
        services,
      );
  }
  if (discardLatePart) {
    operation.discardLatePart = (job, state, message, services) =>
      discardLatePart.call(spec, planned(job, state), message, services);
  }
  return operation;
}
