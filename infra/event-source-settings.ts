/**
 * How the SQS event source mappings feed the functions, in one place: the CDK construct sets
 * them on AWS and the local stack's emulated event source uses the same numbers.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html
 */

/**
 * Parts queue messages per processor invocation. A batch's finished parts of one job are
 * counted in one write and share one read of the job, so 10 (SQS's most per receive, and
 * the most without a batching window) divides the job-item writes of a large job by ten.
 * Throughput is bounded by the function's concurrency either way; a job with fewer parts
 * than concurrency × batch size may run on fewer instances (docs/deploy.md).
 */
export const PROCESSOR_BATCH_SIZE = 10;

/** DLQ messages per dead-letter invocation: each only records a failure. */
export const DEAD_LETTER_BATCH_SIZE = 10;
