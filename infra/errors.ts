/** Base class of the errors the partwise CDK code throws. */
export class PartwiseInfraError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PartwiseInfraError';
  }
}

/**
 * The props given to `JobsService` conflict with each other or with an AWS limit. Every
 * problem is listed, so one synth shows them all instead of one per attempt.
 */
export class JobsServicePropsError extends PartwiseInfraError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[], options?: ErrorOptions) {
    super(
      `Invalid JobsService props (${problems.length}):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      options,
    );
    this.name = 'JobsServicePropsError';
    this.problems = problems;
  }
}
