import type { JobStatus } from './status.js';

export const RESOURCE_TYPES = ['file', 'workbook', 'sheet'] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

export const TRIGGERS = ['manual', 'immediate'] as const;
export type Trigger = (typeof TRIGGERS)[number];

export const MODES = ['foreground', 'background', 'toolbarBlocking'] as const;
export type JobMode = (typeof MODES)[number];

export interface JobError {
  code: string;
  message: string;
  /** The part that failed, when one did. */
  part?: number;
}

export interface Job {
  id: string;
  environmentId: string;
  type: ResourceType;
  operation: string;
  source: string;
  destination?: string;
  config: Record<string, unknown>;
  trigger: Trigger;
  mode: JobMode;
  input?: Record<string, unknown>;
  status: JobStatus;
  parts: number;
  processed: number;
  failed: number;
  progress: number;
  info?: string;
  /** An outside executor's estimate of when the job will be done. */
  estimatedCompletionAt?: string;
  outcome?: Record<string, unknown>;
  error?: JobError;
  createdAt: string;
  updatedAt: string;
  startedAt?: string;
  finishedAt?: string;
}

/** Progress in whole percent, 0–100; 100 only when every part is processed. */
export function progressOf(processed: number, parts: number): number {
  if (parts <= 0) return 0;
  if (processed >= parts) return 100;
  return Math.min(99, Math.floor((processed / parts) * 100));
}
