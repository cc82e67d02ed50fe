/**
 * Every problem `type` the HTTP API answers with (`urn:partwise:problem:<code>`, see
 * problem.ts), its status, when it happens and what a caller does about it. The OpenAPI
 * document lists them (`x-problem-types`) and docs/errors.md explains them; a test keeps
 * the three in step with the error codes thrown in shared/.
 */
export interface ProblemType {
  code: string;
  status: number;
  when: string;
  todo: string;
}

export const PROBLEM_TYPE_PREFIX = 'urn:partwise:problem:';

export const PROBLEM_TYPES: readonly ProblemType[] = [
  {
    code: 'validation-failed',
    status: 400,
    when: 'A body, query or path parameter or header is not valid; `errors` says where (`pointer`, `parameter` or `header`) and why.',
    todo: 'Fix the request as `errors` says; sending it again unchanged fails the same way.',
  },
  {
    code: 'unauthorized',
    status: 401,
    when: 'No API key or token, or one that is not valid: unknown, or a token that partwise did not sign (a deployed API Gateway answers a credential its authorizer denies in its own JSON).',
    todo: 'Send `Authorization: Bearer <api key>` with a key of the environment, or a token minted with one.',
  },
  {
    code: 'token-expired',
    status: 401,
    when: 'A browser token past its `expiresAt`.',
    todo: 'Mint a new one (your server calls POST /tokens with the API key) and send the request again.',
  },
  {
    code: 'key-expired',
    status: 401,
    when: 'An API key past its `expiresAt`: its own expiry, or the end of the overlap after it was rotated.',
    todo: 'Use the key that replaced it (`replacedBy` in GET /admin/keys/:id), or ask an administrator for a new one.',
  },
  {
    code: 'insufficient-scope',
    status: 403,
    when: 'A browser token whose scope does not cover the request: a `read` token that writes, a `run` token that deletes, a `watch` token on another job, any token on POST /tokens (docs/auth.md).',
    todo: 'Mint a token of the scope the request needs, or make the call from your server with the API key.',
  },
  {
    code: 'loopback-only',
    status: 403,
    when: "The local stack's POST /local/tokens from another machine, or from a page of another origin.",
    todo: 'Call it from the page the local stack serves, or from this machine; elsewhere a server mints tokens with the API key.',
  },
  {
    code: 'method-not-allowed',
    status: 405,
    when: 'A known path asked with a method it does not take; the `Allow` header lists the ones it does.',
    todo: 'Use one of the methods in `Allow`.',
  },
  {
    code: 'precondition-failed',
    status: 412,
    when: "PATCH /workbooks/:id with an `If-Match` that is not the workbook's current `ETag`: someone changed it since you read it.",
    todo: 'GET the workbook again, apply your change to it, and PATCH with its new ETag.',
  },
  {
    code: 'idempotency-key-reused',
    status: 422,
    when: 'POST /jobs with an `Idempotency-Key` that an earlier, different request used.',
    todo: 'Send a new key for a new request; repeat the very same request to get the first job.',
  },
  {
    code: 'rate-limited',
    status: 429,
    when: "The API key made its `rateLimitPerMinute` requests this minute (docs/auth.md, 'Rate limit').",
    todo: 'Wait the seconds `Retry-After` says, then send the request again; ask an administrator for a higher limit if you need one.',
  },
  {
    code: 'internal-error',
    status: 500,
    when: "partwise's own failure; the detail names only the correlation id under which it was logged.",
    todo: 'Try again; if it persists, report the correlation id.',
  },
  {
    code: 'job-not-found',
    status: 404,
    when: 'No job with this id in the environment of the key (ids of another environment read as not found).',
    todo: 'Check the id and the key; a deleted job is gone.',
  },
  {
    code: 'file-not-found',
    status: 404,
    when: 'No file with this id in the environment of the key.',
    todo: 'Check the id and the key; a deleted file is gone.',
  },
  {
    code: 'workbook-not-found',
    status: 404,
    when: 'No workbook with this id in the environment of the key.',
    todo: 'Check the id and the key.',
  },
  {
    code: 'sheet-not-found',
    status: 404,
    when: 'No sheet with this id in the environment of the key.',
    todo: 'Check the id and the key.',
  },
  {
    code: 'key-not-found',
    status: 404,
    when: 'An admin route naming an API key id that no key has.',
    todo: 'Check the id (`key_…`): GET /admin/keys?environmentId=… lists an environment’s keys.',
  },
  {
    code: 'route-not-found',
    status: 404,
    when: 'No route has this method and path.',
    todo: 'See /openapi.json for the routes.',
  },
  {
    code: 'conflict',
    status: 409,
    when: 'The `Idempotency-Key` of a POST /jobs was used by another environment.',
    todo: 'Use a key of your own (a UUID, say).',
  },
  {
    code: 'key-not-rotatable',
    status: 409,
    when: 'POST /admin/keys/:id/rotate on a key that was rotated already, is revoked or expired, or changed during the rotation.',
    todo: 'Rotate the key that replaced it (`replacedBy`), or create a new key.',
  },
  {
    code: 'stale-write',
    status: 409,
    when: 'Somebody else changed the item between read and write.',
    todo: 'Read it again and repeat the request.',
  },
  {
    code: 'invalid-transition',
    status: 409,
    when: "The job's status does not allow this change (a final status never changes again).",
    todo: 'GET the job and act on its current status.',
  },
  {
    code: 'job-not-executable',
    status: 409,
    when: 'POST /jobs/:id/execute on a job that is neither PLANNING nor READY.',
    todo: 'Nothing to do if it already runs or ended; else create a new job.',
  },
  {
    code: 'job-planning',
    status: 409,
    when: "The job's plan is being made (or made again after a PATCH of the plan).",
    todo: 'Try again in a moment, once the job is READY.',
  },
  {
    code: 'job-not-ready',
    status: 409,
    when: 'A plan review or change on a job that is not READY (running, ended or canceled).',
    todo: 'A plan can be reviewed or changed only between planning and execute.',
  },
  {
    code: 'no-plan-review',
    status: 409,
    when: 'GET or PATCH /jobs/:id/plan on a job whose operation has no plan review (only extract and map have one).',
    todo: 'Execute the job as it is.',
  },
  {
    code: 'plan-changed',
    status: 409,
    when: 'The plan changed while a PATCH /jobs/:id/plan was checked.',
    todo: 'GET /jobs/:id/plan and send the change again.',
  },
  {
    code: 'job-canceled',
    status: 409,
    when: 'POST /jobs/:id/retry on a canceled job.',
    todo: 'Create a new job.',
  },
  {
    code: 'job-not-ended',
    status: 409,
    when: 'POST /jobs/:id/retry on a job that is PLANNING, READY or EXECUTING.',
    todo: 'Wait until it ends; only a FAILED job, or one COMPLETED with failed parts, is retried.',
  },
  {
    code: 'nothing-to-retry',
    status: 409,
    when: 'POST /jobs/:id/retry on a job that COMPLETED with every part.',
    todo: 'Nothing: the job is done.',
  },
  {
    code: 'job-not-retryable',
    status: 409,
    when: "A retry of a job that failed before it ran any part, or of an action's job (run outside partwise).",
    todo: 'Create a new job once the cause is fixed.',
  },
  {
    code: 'retry-window-ended',
    status: 409,
    when: "A retry after the job's retry window (config.retryWindowSeconds): what it kept for a retry was removed.",
    todo: 'Create a new job.',
  },
  {
    code: 'job-cleaning-up',
    status: 409,
    when: 'A retry or delete while the job is removing what it wrote.',
    todo: 'Delete it again in a moment; a retry is no longer possible.',
  },
  {
    code: 'job-executing',
    status: 409,
    when: 'DELETE /jobs/:id on an EXECUTING job.',
    todo: 'Cancel it (POST /jobs/:id/cancel) or wait until it ends, then delete it.',
  },
  {
    code: 'job-final',
    status: 409,
    when: "An executor's ack, complete or fail on a job that already ended.",
    todo: 'Stop reporting on it.',
  },
  {
    code: 'job-not-outside',
    status: 409,
    when: "An ack, complete or fail on a job that partwise runs itself (only custom actions' jobs take reports).",
    todo: 'Watch the job instead: GET /jobs/:id or its events.',
  },
  {
    code: 'job-not-executing',
    status: 409,
    when: 'An ack, complete or fail on a job that is not EXECUTING yet.',
    todo: 'Execute it first (POST /jobs/:id/execute).',
  },
  {
    code: 'resource-in-use',
    status: 409,
    when: 'Deleting a file or workbook that jobs which have not ended work on.',
    todo: 'Cancel those jobs (the detail lists them) or wait until they end.',
  },
  {
    code: 'file-deleted',
    status: 409,
    when: 'PUT /files/:id/content while the file was being deleted.',
    todo: 'Create a new file.',
  },
  {
    code: 'source-changed',
    status: 409,
    when: "POST /jobs/:id/retry, or a job's error (`job.error.code`), when its file or sheet changed after its parts were planned.",
    todo: 'Create a new job on the source as it is now.',
  },
  {
    code: 'destination-gone',
    status: 409,
    when: 'POST /jobs/:id/retry on a job whose destination sheet was deleted after its parts were planned.',
    todo: 'Create a new job into a sheet that exists.',
  },
  {
    code: 'content-changed',
    status: 412,
    when: "A job's error when the file's content changed after the job planned its work.",
    todo: 'Create a new job.',
  },
  {
    code: 'payload-too-large',
    status: 413,
    when: 'A body, or a field of it (`input`, `config`, `outcome`, a workbook), is larger than the API takes; a deployed API Gateway answers bodies over 10 MB in its own JSON.',
    todo: 'Send less: upload large content through the `uploadUrl` of POST /files.',
  },
  {
    code: 'unprocessable',
    status: 422,
    when: "A job's error when its file cannot be read as the format it claims (malformed CSV, JSON, XLSX).",
    todo: 'Fix the file and create a new job; the rejected-rows report shows the rows at fault.',
  },
  {
    code: 'dependency-failed',
    status: 503,
    when: 'A service partwise depends on (DynamoDB, S3, SQS, EventBridge) failed.',
    todo: 'Try again shortly; requests are safe to repeat (POST /jobs with an Idempotency-Key).',
  },
];
