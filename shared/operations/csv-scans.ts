/**
 * Distributed planning of a CSV/TSV extract (docs/scale.md, engine/scans.ts). A file larger
 * than `distributedPlanningBytes` is planned in two passes of the same planner
 * (`planCsvLayoutInRanges`): the first reads the head and, instead of scanning the ranges
 * itself, asks for a `scan` command per range (`ScansPending`); each scan stores its range's
 * result under the job's plans; once the wave is whole, the plan runs again, reads the head
 * again and composes the stored results. A range is one part's nominal span, or a group of
 * parts when the file has more than `MAX_SCANS` of them.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { config as settings } from '../config.js';
import type { ScanCommand } from '../domain/events.js';
import type { Job } from '../domain/job.js';
import { objectKeysOf } from '../domain/object-keys.js';
import {
  type CsvRange,
  type CsvRangeScan,
  HEAD_BYTES,
  type RangedPlanOptions,
  scanCsvRange,
} from '../formats/csv/ranged-plan.js';
import type { Services } from '../services.js';
import { type PinnedContent, readPinned } from './file-bytes.js';
import { ScansPending } from './operation.js';
import { mapLimited } from './part-boundaries.js';
import { partName, partOfKey, readText } from './plans.js';

/** The most ranges one wave scans: beyond, a range groups several parts. */
export const MAX_SCANS = 10_000;

/** Results read at once by the composing plan. */
const READS_IN_FLIGHT = 16;

/** What a scan command carries: the pinned content, its size, the range, and the delimiter's byte. */
const CsvScanSpec = z.object({
  key: z.string().min(1),
  etag: z.string().optional(),
  size: z.number().int().nonnegative(),
  start: z.number().int().positive(),
  end: z.number().int().positive(),
  watches: z.array(z.number().int().nonnegative()).min(1),
  delimiter: z.number().int().min(0).max(255),
});

const quoteState = z.union([z.literal(0), z.literal(1), z.literal(2)]);
/** A stored range result, read back as `planCsvLayoutInRanges` composes it. */
const StoredRangeScan: z.ZodType<CsvRangeScan> = z.object({
  endState: z.array(quoteState).length(3),
  lastOpen: z.array(z.number().int()).length(3),
  rowStarts: z.array(z.array(z.number().int().nullable())).length(3),
});

/** Where the scans of one wave of a job are stored. */
const waveKeys = (job: Pick<Job, 'id' | 'environmentId'>, wave: string) =>
  `${objectKeysOf(job.environmentId).planScans(job.id)}${wave}/`;

/**
 * The planner's options for a file of `size` bytes: for one above the threshold, ranges of a
 * part each, scanned by the wave; else none (the ranges are read here, 8 at once).
 */
export function distributedScans(
  services: Services,
  job: Pick<Job, 'id' | 'environmentId'>,
  content: PinnedContent,
  size: number,
  partSize: number,
): Pick<RangedPlanOptions, 'ranges' | 'scanRanges'> {
  const threshold = settings.distributedPlanningBytes;
  if (threshold === 0 || size <= threshold || size <= HEAD_BYTES) return {};
  const ranges = Math.min(MAX_SCANS, Math.ceil((size - HEAD_BYTES) / partSize));
  return {
    ranges,
    scanRanges: async (all: CsvRange[], delimiter: number) => {
      const wave = waveOf(content, size, delimiter, all);
      const prefix = waveKeys(job, wave);
      const stored = new Set((await services.blobs.list(prefix)).map(partOfKey));
      const missing = all.flatMap((range, k) =>
        stored.has(k)
          ? []
          : [{ range: k, scan: { key: content.key, ...pin(content), size, ...range, delimiter } }],
      );
      if (missing.length > 0) throw new ScansPending(wave, all.length, missing);
      return mapLimited(all, READS_IN_FLIGHT, async (_, k) =>
        StoredRangeScan.parse(JSON.parse(await readText(await services.blobs.read(scanKey(prefix, k))))),
      );
    },
  };
}

/** The `scan` command of a CSV extract: reads its range of the pinned content, scans it, stores the result. */
export async function scanCsvRangeOf(services: Services, job: Job, command: ScanCommand): Promise<string> {
  const spec = CsvScanSpec.parse(command.scan);
  const content: PinnedContent = { key: spec.key, ...pin(spec) };
  const source = await readPinned(services, content, {
    start: spec.start - 1,
    endExclusive: Math.min(spec.size, spec.end + 1),
  });
  const result = await scanCsvRange(source, spec, spec.delimiter, spec.size);
  const key = scanKey(waveKeys(job, command.wave), command.range);
  await services.blobs.write(key, JSON.stringify(result), 'application/json');
  return key;
}

const pin = (content: { etag?: string | undefined }) => (content.etag ? { etag: content.etag } : {});

const scanKey = (prefix: string, range: number) => `${prefix}${partName(range)}.json`;

/** A wave is named by what its scans read: the content, its size, the delimiter and the ranges. */
function waveOf(content: PinnedContent, size: number, delimiter: number, ranges: CsvRange[]): string {
  const named = JSON.stringify({ etag: content.etag ?? content.key, size, delimiter, ranges });
  return createHash('sha256').update(named).digest('hex').slice(0, 16);
}
