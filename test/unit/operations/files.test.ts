import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../shared/domain/errors.js';
import type { DataFile } from '../../../shared/domain/resources.js';
import { deleteFile, fileOf, purgeIfExpired, refreshFile } from '../../../shared/operations/resources.js';
import type { Services } from '../../../shared/services.js';
import { memoryServices, newJob } from './memory-services.js';

/** Services whose clock the test moves. */
function withClock() {
  const env = memoryServices(newJob({ operation: 'extract', type: 'file', source: 'file_u' }));
  const clock = { now: new Date('2026-11-28T10:00:00Z') };
  const services: Services = { ...env.services, now: () => clock.now };
  return { ...env, services, clock };
}

/** A file created by POST /files at 10:00, its upload URL good until 10:15. */
async function pendingFile(
  env: ReturnType<typeof withClock>,
  fields: Partial<DataFile> = {},
): Promise<DataFile> {
  const file: DataFile = {
    id: 'file_u',
    environmentId: 'env_test',
    name: 'u.csv',
    mediaType: 'text/csv',
    status: 'pending',
    key: 'uploads/file_u',
    uploadExpiresAt: '2026-11-28T10:15:00Z',
    createdAt: '2026-11-28T10:00:00Z',
    updatedAt: '2026-11-28T10:00:00Z',
    ...fields,
  };
  await env.resources.putFile(file);
  return file;
}

/** What an upload through the presigned URL does: S3 stores the object, and tells partwise nothing. */
const uploadThroughUrl = (env: ReturnType<typeof withClock>, bytes: string) =>
  env.blobs.objects.set('uploads/file_u', Buffer.from(bytes));

describe('a file uploaded by its URL', () => {
  it('turns available with its size once its object is there', async () => {
    const env = withClock();
    const file = await pendingFile(env);
    expect(await refreshFile(env.services, file)).toMatchObject({ status: 'pending' });

    uploadThroughUrl(env, 'a,b\n1,2\n');

    expect(await refreshFile(env.services, file)).toMatchObject({ status: 'available', size: 8 });
  });

  it('never adopts an object of another size than the declared one: it goes, and the file stays pending', async () => {
    const env = withClock();
    const file = await pendingFile(env, { expectedSize: 10 });
    uploadThroughUrl(env, 'abc');

    expect(await refreshFile(env.services, file)).toMatchObject({ status: 'pending' });
    expect(env.blobs.objects.has('uploads/file_u')).toBe(false);
  });

  it('is not brought back by a look that raced its delete', async () => {
    const env = withClock();
    const file = await pendingFile(env);
    uploadThroughUrl(env, 'a\n');
    const seenBefore = await fileOf(env.services, 'env_test', file.id);
    await deleteFile(env.services, seenBefore);
    uploadThroughUrl(env, 'a\n'); // the URL still works

    expect(await refreshFile(env.services, seenBefore)).toMatchObject({ status: 'deleted' });
    await expect(fileOf(env.services, 'env_test', file.id)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('deleting a file whose upload URL still works', () => {
  it('keeps a hidden record while an upload may land, then removes it with whatever was uploaded', async () => {
    // Prepare: deleted at 10:05; the URL works until 10:15.
    const env = withClock();
    const file = await pendingFile(env);
    env.clock.now = new Date('2026-11-28T10:05:00Z');
    await deleteFile(env.services, file);
    uploadThroughUrl(env, 'late upload');

    // Assess: hidden at once, kept while the URL works.
    await expect(fileOf(env.services, 'env_test', file.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await env.resources.getFile(file.id)).toMatchObject({ status: 'deleted' });
    expect(env.blobs.objects.has('uploads/file_u')).toBe(true);

    // Act: the next look once the URL has expired and an upload it began has had a day to land.
    env.clock.now = new Date('2026-11-29T10:14:59Z');
    await expect(fileOf(env.services, 'env_test', file.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await env.resources.getFile(file.id)).toBeDefined();
    env.clock.now = new Date('2026-11-29T10:15:01Z');
    await expect(fileOf(env.services, 'env_test', file.id)).rejects.toBeInstanceOf(NotFoundError);

    // Assess: neither the record nor the object is left.
    expect(await env.resources.getFile(file.id)).toBeUndefined();
    expect(env.blobs.objects.has('uploads/file_u')).toBe(false);
  });

  it('removes record and content at once when no upload can land any more', async () => {
    const env = withClock();
    const file = await pendingFile(env, { uploadExpiresAt: '2026-11-27T09:59:00Z' });
    uploadThroughUrl(env, 'x');
    await deleteFile(env.services, file);
    expect(await env.resources.getFile(file.id)).toBeUndefined();
    expect(env.blobs.objects.size).toBe(0);
  });

  it('leaves a live file alone when asked to purge it', async () => {
    const env = withClock();
    const file = await pendingFile(env, { status: 'available', uploadExpiresAt: '2026-11-27T09:00:00Z' });
    uploadThroughUrl(env, 'x');
    await purgeIfExpired(env.services, file);
    expect(await env.resources.getFile(file.id)).toBeDefined();
    expect(env.blobs.objects.size).toBe(1);
  });
});
