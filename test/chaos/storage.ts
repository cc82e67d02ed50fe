/**
 * Nothing orphaned: once every job has ended and its cleanup ran, each object in the bucket
 * is a file's content or a registered segment of a sheet, and each of those has its object.
 * Read through the service's own adapters, on a local stack started in this process on the
 * run's data directory (after the run's stack has stopped).
 */
import type { Mismatch } from './check.js';

export async function orphans(dataDir: string, environmentId = 'env_dev'): Promise<Mismatch[]> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { startLocalStack } = await import('../../infra/local/stack.js');
  const stack = await startLocalStack({
    port: 0,
    dataDir,
    // Only the adapters are needed: no sweep, no relay work beyond what is already done.
    sweepEverySeconds: 3600,
    log: { info() {}, warn() {}, error() {}, debug() {} } as never,
  });
  try {
    const { awsServices } = await import('../../shared/adapters/aws-services.js');
    const services = awsServices();
    const objects = new Set(await services.blobs.list(''));
    const referenced = new Set<string>();
    const mismatches: Mismatch[] = [];
    for (let cursor: string | undefined, first = true; first || cursor; first = false) {
      const page = await services.resources.listFiles(environmentId, 100, cursor);
      for (const file of page.files) {
        // A pending file's content may be there already (an upload nobody looked at since).
        referenced.add(file.key);
        if (file.status === 'available' && !objects.has(file.key))
          mismatches.push({ where: file.id, what: `file's content ${file.key} is gone` });
      }
      cursor = page.next;
    }
    for (let cursor: string | undefined, first = true; first || cursor; first = false) {
      const page = await services.resources.listWorkbooks(environmentId, 100, cursor);
      for (const workbook of page.workbooks) {
        for (const sheet of workbook.sheets) {
          for (const segment of await services.resources.listSegments(sheet.id)) {
            referenced.add(segment.key);
            if (!objects.has(segment.key))
              mismatches.push({
                where: sheet.id,
                what: `segment ${segment.ordinal}'s object ${segment.key} is gone`,
              });
          }
        }
      }
      cursor = page.next;
    }
    for (const key of objects) {
      if (referenced.has(key)) continue;
      // An object of a job (its plans, notes, exports) says which job, and how that job ended.
      const jobId = /\/(job_[0-9a-z]+)\//.exec(key)?.[1];
      const record = jobId ? await services.jobs.get(jobId) : undefined;
      const job = record
        ? ` (its job: ${record.job.operation} ${record.job.status}, attempt ${record.job.attempt ?? 1}, ${record.job.failed} failed parts, cleanup ${record.cleanupPending ? 'pending' : 'done'})`
        : '';
      mismatches.push({ where: 'bucket', what: `orphaned object ${key}${job}` });
    }
    return mismatches;
  } finally {
    await stack.stop();
  }
}
