import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PayloadTooLargeError } from '../../shared/domain/errors.js';
import { newId } from '../../shared/domain/ids.js';
import type { JobStore, ResourceStore } from '../../shared/ports.js';
import { startEmulatedAws } from '../helpers/emulated-aws.js';
import { jobFixture } from '../helpers/jobs.js';

let aws: Awaited<ReturnType<typeof startEmulatedAws>>;
let jobs: JobStore;
let resources: ResourceStore;

beforeAll(async () => {
  aws = await startEmulatedAws();
  ({ dynamoJobStore: jobs } = await import('../../shared/adapters/dynamodb/job-store.js'));
  ({ dynamoResourceStore: resources } = await import('../../shared/adapters/dynamodb/resource-store.js'));
});
afterAll(() => aws?.stop());

/**
 * The last line behind the request bounds (shared/http/limits.ts): what an operation makes
 * of a request can still outgrow an item, e.g. a map's config once every field is resolved.
 */
describe('an item larger than DynamoDB stores', () => {
  it('is a 413 the caller can act on, not a 503 that says to try again', async () => {
    const job = jobFixture({ config: { mappings: 'x'.repeat(450 * 1024) } });
    const created = jobs.create(job, []);
    await expect(created).rejects.toBeInstanceOf(PayloadTooLargeError);
    await expect(created).rejects.toMatchObject({ status: 413, message: expect.stringMatching(/400 KB/) });
  });

  it('is a 413 when a change makes it outgrow the limit', async () => {
    const { record } = await jobs.create(jobFixture(), []);
    const update = jobs.update(record, { job: { outcome: { message: 'x'.repeat(450 * 1024) } } }, []);
    await expect(update).rejects.toBeInstanceOf(PayloadTooLargeError);
  });

  it('is a 413 for a workbook too', async () => {
    const workbookId = newId('workbook');
    const label = 'l'.repeat(255);
    const put = resources.putWorkbook({
      id: workbookId,
      environmentId: 'env_test',
      name: 'big',
      sheets: [
        {
          id: newId('sheet'),
          workbookId,
          environmentId: 'env_test',
          name: 's',
          fields: Array.from({ length: 2000 }, (_, i) => ({ key: `f${i}`, label, type: 'string' as const })),
          createdAt: '',
        },
      ],
      createdAt: '',
      updatedAt: '',
    });
    await expect(put).rejects.toBeInstanceOf(PayloadTooLargeError);
  });
});
