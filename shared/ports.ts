/**
 * The ports the engine and the operations depend on. The AWS adapters in
 * `shared/adapters` implement them; nothing outside the adapters imports an AWS SDK.
 */
import type { Readable } from 'node:stream';
import type { ApiKeyRecord } from './domain/api-keys.js';
import type { JobCommand, JobEvent, OutboxEntry } from './domain/events.js';
import type { DispatchCursor } from './domain/fairness.js';
import type { Job, JobError } from './domain/job.js';
import type { PushConnection } from './domain/push.js';
import type { DataFile, FileStatus, Sheet, SheetSegment, Workbook } from './domain/resources.js';

/** What S3 tells of an object without reading it. */
export interface BlobStat {
  size: number;
  /** Changes whenever the content does: a reader pins the content it planned on with it. */
  etag: string;
}

/** An upload URL, and the headers its PUT must send (they are signed into it). */
export interface UploadUrl {
  url: string;
  headers: Record<string, string>;
}

export interface BlobStore {
  /** Size and ETag, or undefined when the object does not exist. */
  stat(key: string): Promise<BlobStat | undefined>;
  /**
   * Streams bytes [start, endExclusive) of an object (the whole object without a range).
   * With `ifMatch`, only while the object's ETag is that one: else a ContentChangedError.
   */
  read(
    key: string,
    range?: { start: number; endExclusive: number },
    options?: { ifMatch?: string },
  ): Promise<Readable>;
  /**
   * Streams a body into an object, overwriting it; readers never see part of it. A stream of
   * unknown length goes up in multipart parts; one of known `contentLength` goes up as it is
   * read, without being buffered into parts.
   */
  write(
    key: string,
    body: Readable | Uint8Array | string,
    contentType?: string,
    contentLength?: number,
  ): Promise<void>;
  remove(keys: string[]): Promise<void>;
  /** Keys of the objects under a prefix, in key order. */
  list(prefix: string): Promise<string[]>;
  /**
   * A URL that creates the object once: it never overwrites one that exists, and with
   * `size` it takes exactly that many bytes.
   */
  presignPut(key: string, expiresInSeconds: number, options?: { size?: number }): Promise<UploadUrl>;
  /** A download URL; `downloadName` becomes the file name a browser saves it as. */
  presignGet(key: string, expiresInSeconds: number, downloadName?: string): Promise<string>;
}

/** A message on the parts queue: a part to run, or an engine command (plan, dispatch). */
export type QueueMessage =
  | {
      jobId: string;
      part: number;
      range?: { start: number; endExclusive: number };
      /** The job's attempt the part was sent for (1 when absent). */
      attempt?: number;
      /**
       * Set when the message is received, never sent: the queue delivered this message before
       * (SQS's `ApproximateReceiveCount` above 1), so an earlier try of it may have left output.
       */
      redelivered?: boolean;
    }
  | JobCommand;

export interface PartQueue {
  /** Sends messages in batches of 10; throws if any message could not be sent after retries. */
  send(messages: QueueMessage[]): Promise<void>;
}

/** An event the bus would not take: refused for good (too large, malformed), or still failing after retries. */
export interface RefusedEvent {
  event: JobEvent;
  /** The bus's error code (`MalformedDetail`, …) or the publisher's own (`EntryTooLarge`). */
  code: string;
  reason: string;
}

export interface EventPublisher {
  /**
   * Publishes events in as few calls as the bus's limits allow, retrying failed entries.
   * Resolves with the events it gave up on, so one event cannot hold back the others;
   * every other event went out. Throws DependencyError when the bus took none of them
   * (it is down, or refuses this publisher): then nothing is given up on.
   */
  publish(events: JobEvent[]): Promise<RefusedEvent[]>;
}

/** Where refused events are kept — alarmed, for a person to look at and redrive. */
export interface EventDeadLetter {
  /** Keeps each refused event; throws DependencyError when it cannot (then nothing is lost: the caller retries). */
  hold(refused: RefusedEvent[]): Promise<void>;
}

/**
 * What the service counts and times for its operators (the names: shared/metrics.ts). On
 * AWS, CloudWatch metrics written as EMF log lines when the invocation ends; on the local
 * stack, nowhere unless asked (docs/operations.md). Recording never throws.
 */
export interface ServiceMetrics {
  jobCreated(operation: string): void;
  jobEnded(operation: string, status: 'COMPLETED' | 'FAILED'): void;
  /** An event was published `lagMs` after the change it announces was committed. */
  eventRelayed(lagMs: number): void;
  /** A part's work ended; `rows` and `bytes` are 0 unless this run was the one counted. */
  partRun(operation: string, run: { durationMs: number; rows: number; bytes: number }): void;
  /** A part failed for good. */
  partFailed(operation: string): void;
  /** A parts-queue message was received `ageMs` after it was sent. */
  partsMessageReceived(ageMs: number): void;
}

/** A job as stored: the public job plus what the engine keeps beside it. */
export interface JobRecord {
  job: Job;
  /** Bumped by every write that changes status or commits events (optimistic concurrency). */
  version: number;
  /** Events committed so far: the next event's sequence is `eventCount + 1`. */
  eventCount: number;
  /** Execute was asked for while the job was still planning. */
  executeRequested: boolean;
  /** The operation's own planning results (header, destination sheet, …); never shown to callers. */
  state: Record<string, unknown>;
  /** When the last `job:updated` progress event was committed (ms since epoch). */
  lastProgressEventAt: number;
  /** When an outside executor first acknowledged the job. */
  ackedAt?: string;
  /**
   * The job ended FAILED or CANCELED and what it wrote is not removed yet: until its
   * `cleanup` commits, the job stays where the sweeper looks for stalled work.
   */
  cleanupPending?: boolean;
  /**
   * With `cleanupPending`: the cleanup waits until then for a retry (the end of the retry
   * window); the sweeper sends it once the time has passed. Absent: the cleanup is under way.
   */
  cleanupDueAt?: string;
  /** DELETE was asked for while the job waited for a retry: its cleanup deletes it once done. */
  deleteRequested?: boolean;
  /**
   * Sweeps that found the job with nothing changed since the last one (the watchdog's
   * count); any change to the job — a part counted, a status, an ack — starts it over.
   */
  stalls?: number;
  /** The windowed dispatch of the job's attempt (domain/fairness.ts); absent: chunked dispatch. */
  dispatch?: DispatchCursor;
  /** Entries committed but not yet relayed. */
  outbox: OutboxEntry[];
  /** The relay that holds the outbox now, if one does (shared/engine/relay.ts). */
  relayClaim?: OutboxClaim;
}

/**
 * A relay's hold on a job's outbox: the other relays leave the outbox alone until the holder
 * clears it or `until` passes (a holder that crashed), so two relays do not both publish it.
 */
export interface OutboxClaim {
  token: string;
  /** ISO time. */
  until: string;
}

/** A claim asked for: the claimant's token, held for `leaseSeconds` by the store's clock. */
export interface ClaimRequest {
  token: string;
  leaseSeconds: number;
  /** Claims the outbox even from a relay that holds it: one known to be gone (a restart). */
  takeOver?: boolean;
}

/** What claiming a job's outbox found: the job as claimed, another relay's hold, or nothing to relay. */
export type ClaimOutcome = { claimed: JobRecord } | { heldUntil: string } | { empty: true };

export interface JobChanges {
  job?: Partial<Omit<Job, 'id' | 'environmentId' | 'processed' | 'failed' | 'progress'>>;
  state?: Record<string, unknown>;
  executeRequested?: boolean;
  /** Starts part counting from zero (the job is about to execute its parts). */
  resetCounts?: boolean;
  lastProgressEventAt?: number;
  /** Progress reported by an outside executor (jobs without parts). */
  reportedProgress?: number;
  /** When an outside executor first acknowledged the job. */
  ackedAt?: string;
  /** `false` also drops `cleanupDueAt`. */
  cleanupPending?: boolean;
  cleanupDueAt?: string;
  deleteRequested?: boolean;
  /**
   * A retry: the failed parts of the attempt that ended are forgotten (they run again), the
   * finished parts' counts stay.
   */
  forgetFailedParts?: boolean;
  /** A new attempt's dispatch cursor (the window): set as the job starts executing. */
  dispatch?: DispatchCursor;
}

/** What the executing jobs of a capped environment declared in flight (docs/fairness.md). */
export interface EnvironmentInFlight {
  /** 0 for an environment with no declaration yet. */
  version: number;
  /** Parts in flight by job id: an upper bound for each (a job declares before it sends). */
  jobs: Record<string, number>;
}

export interface JobListFilter {
  status?: string;
  operation?: string;
  source?: string;
}

/** A part that ran to its end, and what it reported (rows written, bytes read, …). */
export interface FinishedPart {
  part: number;
  stats: Record<string, number>;
}

/** What counting range scans found. */
export interface ScanCount {
  /** The write left a bucket of the wave full (a duplicate of one of its scans may see it too). */
  filled: boolean;
  /** Every range of the wave is in (a duplicate of the last may see it too: what it triggers is idempotent). */
  whole: boolean;
}

export interface PartOutcome {
  part: number;
  status: 'PENDING' | 'COMPLETED' | 'FAILED';
  /** What the part reported (rows written, bytes read, …). */
  stats?: Record<string, number>;
  error?: JobError;
}

/** A create under an `Idempotency-Key`: the key, and the fingerprint of the request it came with. */
export interface IdempotentCreate {
  key: string;
  fingerprint: string;
}

export interface JobStore {
  /**
   * Creates a job with its first outbox entries. With an idempotency key, a second
   * create with the same key returns the first job instead (`created: false`), with the
   * fingerprint the first create stored (none for a job stored before fingerprints were).
   */
  create(
    job: Job,
    outbox: OutboxEntry[],
    idempotency?: IdempotentCreate,
  ): Promise<{ record: JobRecord; created: boolean; fingerprint?: string }>;
  /** The job, or undefined when it does not exist or was deleted. */
  get(jobId: string): Promise<JobRecord | undefined>;
  list(
    environmentId: string,
    filter: JobListFilter,
    limit: number,
    cursor?: string,
  ): Promise<{ jobs: Job[]; next?: string }>;
  /**
   * Applies changes and commits outbox entries in one conditional single-item write
   * (condition: the version is still `record.version`). Throws StaleWriteError otherwise.
   * With `claim`, the same write claims the outbox for the committer's relay, unless another
   * relay holds it (the returned record's `relayClaim` says which).
   */
  update(
    record: JobRecord,
    changes: JobChanges,
    outbox: OutboxEntry[],
    claim?: ClaimRequest,
  ): Promise<JobRecord>;
  /** Soft-deletes: the job disappears from reads and lists; its outbox still drains. */
  markDeleted(record: JobRecord, outbox: OutboxEntry[]): Promise<void>;
  /**
   * Counts finished parts of one job (a batch's) exactly once each, however often each is
   * reported, in as few job-item writes as the batch allows (one, mostly). Returns the job
   * as it stands after the write (`counted: false` when this report moved nothing: a
   * duplicate, or a retry after a crash), or undefined when the job is not executing.
   */
  countParts(
    jobId: string,
    finished: FinishedPart[],
  ): Promise<{ record: JobRecord; counted: boolean } | undefined>;
  /**
   * Records a part's final failure in attempt `attempt` (idempotent), and returns the job as
   * it then stands; undefined when the job is gone or in another attempt (a late failure of
   * an attempt that ended, which no longer counts).
   */
  failPart(jobId: string, part: number, error: JobError, attempt: number): Promise<JobRecord | undefined>;
  /** Keeps the error of a failed attempt (the part will be retried), for the DLQ to report. */
  noteAttemptError(jobId: string, part: number, message: string): Promise<void>;
  lastAttemptError(jobId: string, part: number): Promise<string | undefined>;
  /** Outcomes of parts [from, from + limit), as of the job's attempt (a failure of an earlier one is PENDING). */
  listParts(record: JobRecord, from: number, limit: number): Promise<PartOutcome[]>;
  /** Indexes of parts not yet counted nor failed in the job's attempt. */
  pendingParts(record: JobRecord): Promise<number[]>;
  /**
   * Counts range scans of a planning wave of `total` ranges (distributed planning) exactly
   * once each, however often each is reported, as parts are counted.
   */
  countScans(jobId: string, wave: string, ranges: number[], total: number): Promise<ScanCount>;
  /** The job as stored, deleted or not, when its outbox holds entries; undefined otherwise. */
  withOutbox(jobId: string): Promise<JobRecord | undefined>;
  /**
   * Moves the job's dispatch cursor from where `record` read it to `next`, with `sent` parts
   * sent in the attempt, in one conditional write (the cursor and attempt unchanged, the job
   * executing). Returns the job as written, or undefined when another writer moved first.
   * The parts [record's next, next) must be sent after it: a crash in between leaves them
   * pending below the cursor, where the sweeper resends them.
   */
  advanceDispatch(record: JobRecord, next: number, sent: number): Promise<JobRecord | undefined>;
  /** The environment's declared parts in flight. */
  environmentInFlight(environmentId: string): Promise<EnvironmentInFlight>;
  /**
   * Replaces the environment's declarations with `jobs` if they are still the version read;
   * false when another job's top-up wrote first (read again and decide again).
   */
  declareInFlight(
    environmentId: string,
    read: EnvironmentInFlight,
    jobs: Readonly<Record<string, number>>,
  ): Promise<boolean>;
  /**
   * Claims the job's outbox for one relay, unless another holds it and its claim has not
   * lapsed, or the outbox is empty.
   */
  claimOutbox(jobId: string, claim: ClaimRequest): Promise<ClaimOutcome>;
  /** Gives up a claim (a relay that failed), if it is still the holder's. */
  releaseOutbox(jobId: string, token: string): Promise<void>;
  /** Removes relayed entries from a job's outbox, and the claim `token` held, if it still does. */
  clearOutbox(jobId: string, entryIds: string[], token?: string): Promise<void>;
  /** Jobs whose outbox holds entries committed before `before` (ISO time). */
  withPendingOutbox(before: string, limit: number): Promise<JobRecord[]>;
  /** Non-final jobs not changed since `before` (ISO time). */
  staleActive(before: string, limit: number): Promise<JobRecord[]>;
  /**
   * Raises each bucket's count on the job item to the parts its set holds (only upward): a
   * part that joined its bucket and died before counting is counted. Returns the job as it
   * then stands.
   */
  reconcileCounts(record: JobRecord): Promise<JobRecord | undefined>;
  /**
   * Counts one more sweep that found the job unchanged since `record` was read, and moves
   * it to the back of the sweeper's queue. Returns the count, or undefined when the job
   * changed meanwhile (it made progress after all).
   */
  noteStall(record: JobRecord): Promise<number | undefined>;
}

export interface EventStore {
  /** Stores events for the feed (idempotent on event id). */
  put(events: JobEvent[]): Promise<void>;
  listForJob(jobId: string, limit: number, cursor?: string): Promise<{ events: JobEvent[]; next?: string }>;
  listForEnvironment(
    environmentId: string,
    options: { since?: string; jobId?: string; topic?: string; limit: number },
  ): Promise<{ events: JobEvent[]; next?: string }>;
}

export interface ResourceStore {
  putFile(file: DataFile): Promise<void>;
  getFile(id: string): Promise<DataFile | undefined>;
  /** Changes a file; with `ifStatus`, only while its status is one of those (else a StaleWriteError). */
  updateFile(
    id: string,
    patch: Partial<Omit<DataFile, 'id' | 'environmentId'>>,
    ifStatus?: FileStatus[],
  ): Promise<DataFile>;
  listFiles(
    environmentId: string,
    limit: number,
    cursor?: string,
  ): Promise<{ files: DataFile[]; next?: string }>;
  /** Stores a workbook and its sheets (idempotent). */
  putWorkbook(workbook: Workbook): Promise<void>;
  /**
   * Replaces a stored workbook by `workbook` (its `revision` one more than `revision`), only
   * while the stored one is still at `revision` (else a StaleWriteError), then its sheets.
   */
  replaceWorkbook(workbook: Workbook, revision: number): Promise<void>;
  getWorkbook(id: string): Promise<Workbook | undefined>;
  getSheet(id: string): Promise<Sheet | undefined>;
  listWorkbooks(
    environmentId: string,
    limit: number,
    cursor?: string,
  ): Promise<{ workbooks: Workbook[]; next?: string }>;
  /** Deletes a file's record (its content is the blob store's). */
  deleteFile(id: string): Promise<void>;
  /** Deletes a workbook and everything its sheets hold in the table (sheets, segments, run counters). */
  deleteWorkbook(workbook: Workbook): Promise<void>;
  /** Registers a segment of a sheet's records (idempotent: same sheet and ordinal overwrite). */
  /** Registers a segment; returns the segment it replaced, if any (one write, no read first). */
  putSegment(segment: SheetSegment): Promise<SheetSegment | undefined>;
  getSegment(sheetId: string, ordinal: number): Promise<SheetSegment | undefined>;
  /**
   * Replaces a segment only if it still points at `expectedKey` (a conditional write):
   * false when someone else changed or removed it first.
   */
  swapSegment(segment: SheetSegment, expectedKey: string): Promise<boolean>;
  deleteSegments(sheetId: string, ordinals: number[]): Promise<void>;
  /** All segments of a sheet, in ordinal order. */
  listSegments(sheetId: string): Promise<SheetSegment[]>;
  /** A new run number of a sheet (1, 2, …): an atomic counter, so concurrent jobs never share one. */
  reserveRun(sheetId: string): Promise<number>;
}

/**
 * A server secret: a Secrets Manager secret on AWS, a file in the data dir on the local
 * stack. Read once per process (a cold start), then kept.
 */
export interface ServerSecret {
  /** The key bytes; a DependencyError when the secret cannot be read. */
  key(): Promise<Uint8Array>;
}

/** The secret that signs and verifies browser tokens (shared/access/token.ts). */
export type TokenSecret = ServerSecret;

/** The secret API keys are stored under, as HMACs (shared/domain/api-keys.ts). */
export type KeySecret = ServerSecret;

/** A page of API keys, and the cursor of the next one. */
export interface ApiKeyPage {
  items: ApiKeyRecord[];
  next?: string;
}

/**
 * The API keys (docs/auth.md): one item per key, found by id, listed by environment. Only
 * the authorizer (reads) and the admin function (reads and writes) may touch them.
 */
export interface ApiKeyStore {
  get(id: string): Promise<ApiKeyRecord | undefined>;
  /** Stores a new key; a StaleWriteError when its id exists already (never overwritten). */
  create(record: ApiKeyRecord): Promise<void>;
  /** An environment's keys, oldest first. */
  list(environmentId: string, page: { limit: number; next?: string }): Promise<ApiKeyPage>;
  /** Sets `revokedAt` unless the key has one; the key as it is then. A KeyNotFoundError for no key. */
  revoke(id: string, at: string): Promise<ApiKeyRecord>;
  /**
   * Marks a key rotated into `replacedBy`, working until `expiresAt`; only an active key that
   * was never rotated (a StaleWriteError otherwise: nothing changed).
   */
  markRotated(
    id: string,
    change: { replacedBy: string; expiresAt: string },
    now: Date,
  ): Promise<ApiKeyRecord>;
  /** Removes a key that was never handed out (a rotation that could not complete). */
  remove(id: string): Promise<void>;
  /** The environment of a key from before the lifecycle (`KEY#<sha256>`), if it is one. */
  findLegacy(key: string): Promise<{ environmentId: string } | undefined>;
}

/** The per-key request counter (docs/auth.md, "Rate limit"). */
export interface RateLimiter {
  /** Counts one request of `keyId` at `now`; a RateLimitedError when its window holds `limitPerMinute` already. */
  consume(keyId: string, limitPerMinute: number, now: Date): Promise<void>;
}

/**
 * The browsers connected to the WebSocket API (AWS only: the local stack keeps its sockets in
 * memory). Each connection lives until it closes or its token expires.
 */
export interface PushConnectionStore {
  /** Keeps a connection (overwrites one of the same id). */
  put(connection: PushConnection): Promise<void>;
  /** Forgets a connection; one already gone is fine. */
  remove(connectionId: string): Promise<void>;
  /** Every connection kept for an environment, expired ones included (the store may keep them a while). */
  listForEnvironment(environmentId: string): Promise<PushConnection[]>;
}

/** What a push channel says of a frame it was given. */
export type PushDelivery = 'sent' | 'gone';

/** Sends to and closes browser connections (the WebSocket API's `@connections` on AWS). */
export interface PushChannel {
  /** Sends one text frame; `gone` when the connection no longer exists. Throws DependencyError otherwise. */
  send(connectionId: string, data: string): Promise<PushDelivery>;
  /** Closes a connection; one already gone is fine. Throws DependencyError otherwise. */
  close(connectionId: string): Promise<void>;
}
