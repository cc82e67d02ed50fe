import { newId } from '../../shared/domain/ids.js';
import type { Job } from '../../shared/domain/job.js';

/** A job as the engine creates it (an extract in PLANNING), with any field overridden. */
export function jobFixture(overrides: Partial<Job> = {}): Job {
  const now = new Date().toISOString();
  return {
    id: newId('job'),
    environmentId: 'env_test',
    type: 'file',
    operation: 'extract',
    source: 'file_x',
    config: {},
    trigger: 'manual',
    mode: 'background',
    status: 'PLANNING',
    parts: 0,
    processed: 0,
    failed: 0,
    progress: 0,
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}
