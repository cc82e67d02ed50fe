import { createHash } from 'node:crypto';

/**
 * Where partwise keeps its objects in the bucket: one layout, rooted in the environment that
 * owns them, so that an IAM policy (a session policy, say) can scope an environment's access
 * to `env/<folder>/*` and `tmp/env/<folder>/*` (environmentFolder below). Temporary objects
 * start with `tmp/` wherever they belong: the bucket's lifecycle rule that expires them can
 * only match a key's beginning.
 *
 * Objects written before the layout had a root (`uploads/…`, `plans/…`, `sheets/…`) stay
 * where they are. Most keys are stored on items (a file's, a segment's, a job's plan and
 * export) and are read where they point. The ones derived from a job id (ledger notes, report
 * fragments, export parts) are looked for under both roots (`LEGACY_OBJECT_KEYS`), so a job
 * that was running when the layout changed still finds what its earlier parts wrote, and the
 * cleanups that list a prefix list it under both.
 */
export interface ObjectKeys {
  /** The content of a file created by POST /files. */
  upload(fileId: string): string;
  /** A job's plans, and the ledger notes and report fragments kept beside them until it ends. */
  plans(jobId: string): string;
  /** What the range scans of a distributed plan found (engine/scans.ts), one object per range. */
  planScans(jobId: string): string;
  ledgerNotes(jobId: string): string;
  reportFragments(jobId: string): string;
  /** A job's report (a file). */
  report(fileId: string): string;
  /** Every object of a sheet (its segments). */
  sheet(sheetId: string): string;
  /** An export's file, `extension` with its dot. */
  export(jobId: string, extension: string): string;
  /** An export's part objects, joined by its finalize: temporary. */
  exportParts(jobId: string): string;
}

function layout(root: string): ObjectKeys {
  return {
    upload: (fileId) => `${root}uploads/${fileId}`,
    plans: (jobId) => `${root}plans/${jobId}/`,
    planScans: (jobId) => `${root}plans/${jobId}/scans/`,
    ledgerNotes: (jobId) => `${root}plans/${jobId}/ledgers/`,
    reportFragments: (jobId) => `${root}plans/${jobId}/reports/`,
    report: (fileId) => `${root}reports/${fileId}.csv`,
    sheet: (sheetId) => `${root}sheets/${sheetId}/`,
    export: (jobId, extension) => `${root}exports/${jobId}${extension}`,
    exportParts: (jobId) => `${TEMPORARY_PREFIX}${root}exports/${jobId}/`,
  };
}

/** Keys under this prefix are temporary: the bucket expires them (infra/storage.ts). */
export const TEMPORARY_PREFIX = 'tmp/';

/** The folder every environment's root sits in. */
export const ENVIRONMENTS_PREFIX = 'env/';

/** An environment id that can name its folder as it is: short, and nothing IAM or S3 reads as special. */
const PLAIN_ENVIRONMENT_ID = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$/;

/**
 * The folder of an environment: its id when the id is plain, else `~` and the SHA-256 of the
 * id (an id may be 256 characters of anything, `/` and `*` included; `~` starts no plain id,
 * so the two forms never meet).
 */
export function environmentFolder(environmentId: string): string {
  if (PLAIN_ENVIRONMENT_ID.test(environmentId)) return environmentId;
  return `~${createHash('sha256').update(environmentId).digest('hex')}`;
}

/** The object key prefixes holding everything of one environment (for an IAM policy's resources). */
export function environmentPrefixes(environmentId: string): [string, string] {
  const root = `${ENVIRONMENTS_PREFIX}${environmentFolder(environmentId)}/`;
  return [root, `${TEMPORARY_PREFIX}${root}`];
}

/** The keys of an environment's objects. */
export function objectKeysOf(environmentId: string): ObjectKeys {
  return layout(environmentPrefixes(environmentId)[0]);
}

/** Where the same objects were before keys had a root; read and cleaned up, never written. */
export const LEGACY_OBJECT_KEYS: ObjectKeys = layout('');
