/**
 * On every request s3rver looks the bucket up on disk (a stat) and reads the bucket's CORS
 * and website configurations from their files (its cors and website middleware): three
 * file system calls per request, each a cost in the stack's main thread. Only this store
 * writes buckets and configurations, so what it read is kept in memory here, read once and
 * forgotten whenever a bucket or a configuration is written or removed.
 */
import type { S3rverStore } from 's3rver';

export function cacheS3rverBuckets(store: S3rverStore): void {
  const cached = new Map<string, Promise<unknown>>();
  const once = (name: string, read: () => Promise<unknown>) => {
    let value = cached.get(name);
    if (!value) {
      value = read();
      cached.set(name, value);
      // A failed read is not kept: the next request reads the file again.
      value.catch(() => cached.delete(name));
    }
    return value;
  };
  const getBucket = store.getBucket.bind(store);
  store.getBucket = (bucket) => once(`bucket:${bucket}`, () => getBucket(bucket));
  const getSubresource = store.getSubresource.bind(store);
  store.getSubresource = (bucket, key, resourceType) =>
    once(store.getResourcePath(bucket, key, `${resourceType}.xml`), () =>
      getSubresource(bucket, key, resourceType),
    );
  const forgetting =
    <A extends unknown[], R>(write: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      cached.clear();
      try {
        return await write(...args);
      } finally {
        cached.clear();
      }
    };
  store.putSubresource = forgetting(store.putSubresource.bind(store));
  store.deleteSubresource = forgetting(store.deleteSubresource.bind(store));
  store.putBucket = forgetting(store.putBucket.bind(store));
  store.deleteBucket = forgetting(store.deleteBucket.bind(store));
}
