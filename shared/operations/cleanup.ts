/**
 * What the `abandon` hooks share: taking a job's records back out of a sheet.
 *
 * A job that adds records to a sheet writes them into a run of its own (reserved from the
 * sheet's counter, so no other job writes there; see `segmentOrdinal`): removing the run's
 * segments removes exactly what the job added, and nothing that was there before.
 */
import { runOf } from '../domain/resources.js';
import type { Services } from '../services.js';

/**
 * Removes the segments of run `run` of a sheet: their items first, so readers stop seeing
 * them at once (a reader that listed them just before finds an object gone and lists
 * again), then their objects. Idempotent; a sheet deleted meanwhile is fine. A segment a
 * later job rewrote (a delete) still holds this run's records, and goes too.
 */
export async function removeRun(services: Services, sheetId: string, run: number): Promise<void> {
  const segments = (await services.resources.listSegments(sheetId)).filter(
    (segment) => runOf(segment.ordinal) === run,
  );
  if (segments.length === 0) return;
  await services.resources.deleteSegments(
    sheetId,
    segments.map((segment) => segment.ordinal),
  );
  await services.blobs.remove(segments.map((segment) => segment.key));
}
