// Just enough of the two emulators' untyped APIs that the local stack uses.

declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    /** LevelDB directory; in memory when absent. */
    path?: string;
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    maxItemSizeKb?: number;
  }

  export default function dynalite(options?: DynaliteOptions): Server;
}

declare module 'dynalite/db/index.js' {
  /** An item as dynalite stores it: attribute name to a DynamoDB attribute value. */
  export type DynaliteItem = Record<string, Record<string, unknown>>;

  export interface DynaliteIndex {
    IndexName: string;
    KeySchema: Array<{ AttributeName: string; KeyType: string }>;
    Projection: { ProjectionType: string; NonKeyAttributes?: string[] };
  }

  /** A table's description, as dynalite keeps it under `table~<name>`. */
  export interface DynaliteTable {
    TableName: string;
    KeySchema: Array<{ AttributeName: string; KeyType: string }>;
    AttributeDefinitions: Array<{ AttributeName: string; AttributeType: string }>;
    GlobalSecondaryIndexes?: DynaliteIndex[];
    LocalSecondaryIndexes?: DynaliteIndex[];
  }

  interface IndexActions {
    puts: Array<{ index: string; key: string; item: DynaliteItem }>;
    deletes: Array<{ index: string; key: string }>;
  }

  const db: {
    /** The index entries to put and delete when `existing` becomes `item` (either may be absent). */
    getIndexActions(
      indexes: readonly DynaliteIndex[],
      existing: DynaliteItem | undefined,
      item: DynaliteItem | undefined,
      table: DynaliteTable,
    ): IndexActions;
  };
  export default db;
}

declare module 's3rver' {
  import type { AddressInfo } from 'node:net';
  import type { Readable } from 'node:stream';

  interface S3rverObject {
    bucket: string;
    key: string;
    content: Buffer | Readable;
    metadata: Record<string, string>;
  }

  /** Its file system store (lib/stores/filesystem.js), the methods local/s3rver-writes.ts replaces. */
  export interface S3rverStore {
    getResourcePath(bucket: string, key: string | undefined, resource: string): string;
    getMetadata(bucket: string, key: string): Promise<Record<string, string | number>>;
    getObject(bucket: string, key: string, options?: { start?: number; end?: number }): Promise<unknown>;
    putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5?: string): Promise<void>;
    putObject(object: S3rverObject): Promise<{ size: number; md5: string }>;
    putPart(
      bucket: string,
      uploadId: string,
      partNumber: number,
      content: Readable,
    ): Promise<{ size: number; md5: string }>;
    putObjectMultipart(
      bucket: string,
      uploadId: string,
      parts: { number: number; etag: string }[],
    ): Promise<{ size: number; md5: string }>;
    /** A bucket's (or object's) configuration of `resourceType` (`cors`, `website`, …); null when none. */
    getSubresource(bucket: string, key: string | undefined, resourceType: string): Promise<unknown>;
    putSubresource(bucket: string, key: string | undefined, resource: { type: string }): Promise<void>;
    deleteSubresource(bucket: string, key: string | undefined, resourceType: string): Promise<void>;
    /** The bucket (its name and creation date), or null when there is none. */
    getBucket(bucket: string): Promise<unknown>;
    putBucket(bucket: string): Promise<unknown>;
    deleteBucket(bucket: string): Promise<void>;
  }

  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory?: string;
    resetOnClose?: boolean;
    vhostBuckets?: boolean;
    allowMismatchedSignatures?: boolean;
    configureBuckets?: Array<{ name: string; configs?: Array<string | Buffer> }>;
  }

  /** Of its Koa request context, what local/s3rver-conditions.ts and s3rver-signatures.ts read and write. */
  export interface S3rverContext {
    method: string;
    path: string;
    /** The query string as sent, without its `?` (still percent-encoded). */
    querystring: string;
    headers: Record<string, string | string[] | undefined>;
    query: Record<string, string | string[] | undefined>;
    status: number;
    type: string;
    body: unknown;
  }

  export default class S3rver {
    constructor(options?: S3rverOptions);
    readonly store: S3rverStore;
    /** Koa's middleware list, composed when `run()` starts listening. */
    readonly middleware: ((ctx: S3rverContext, next: () => Promise<void>) => Promise<void>)[];
    /** Set once `run()` resolved. */
    readonly httpServer: import('node:http').Server;
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
  }
}
