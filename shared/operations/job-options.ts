/**
 * The keys of a job's `config` that the engine reads, whatever the operation:
 * `tolerance` (how many parts may fail, domain/tolerance.ts) and `retryWindowSeconds` (how
 * long an unfinished job waits for a retry, domain/deadlines.ts). They are split off before
 * the operation validates the rest, and each operation reads its config without them.
 */
import * as z from 'zod';
import { MAX_RETRY_WINDOW_SECONDS } from '../domain/deadlines.js';
import type { Operation } from './operation.js';
import { invalid, parseConfig } from './validation.js';

export const ENGINE_CONFIG_KEYS = ['tolerance', 'retryWindowSeconds'] as const;

const JobOptions = z.object({
  tolerance: z
    .object({
      maxFailedParts: z.number().int().min(0).optional(),
      maxFailedPercent: z.number().min(0).max(100).optional(),
    })
    .strict()
    .refine((t) => t.maxFailedParts !== undefined || t.maxFailedPercent !== undefined, {
      error: 'must set maxFailedParts, maxFailedPercent or both',
    })
    .optional(),
  retryWindowSeconds: z.number().int().min(0).max(MAX_RETRY_WINDOW_SECONDS).optional(),
});

/** A config without the engine's keys: what an operation reads. */
export function operationConfig(config: Record<string, unknown>): Record<string, unknown> {
  if (!ENGINE_CONFIG_KEYS.some((key) => key in config)) return config;
  const rest = { ...config };
  for (const key of ENGINE_CONFIG_KEYS) delete rest[key];
  return rest;
}

/** An operation's config with the engine's keys of the job's config kept beside it. */
export function withEngineOptions(
  operationsOwn: Record<string, unknown>,
  jobConfig: Record<string, unknown>,
): Record<string, unknown> {
  const kept = ENGINE_CONFIG_KEYS.filter((key) => key in jobConfig).map((key) => [key, jobConfig[key]]);
  return { ...operationsOwn, ...Object.fromEntries(kept) };
}

/**
 * Checks the engine's keys of a create request's config against the operation: only an
 * operation that runs in parts can be retried or tolerate failed parts, and an export
 * cannot (a file with parts missing would look whole). Returns them, to keep beside the
 * operation's own config.
 */
export function jobOptions(config: Record<string, unknown>, operation: Operation): Record<string, unknown> {
  const present = Object.fromEntries(
    ENGINE_CONFIG_KEYS.filter((k) => k in config).map((k) => [k, config[k]]),
  );
  if (Object.keys(present).length === 0) return {};
  const options = parseConfig(JobOptions, present, operation.name);
  if (operation.runsOutside) {
    const key = Object.keys(present)[0] as string;
    throw invalid(
      ['body', 'config', key],
      `config.${key} applies to jobs partwise runs in parts; an action's job is carried out by its executor, which decides how to retry.`,
    );
  }
  if (options.tolerance && !operation.toleratesFailedParts) {
    throw invalid(
      ['body', 'config', 'tolerance'],
      `The ${operation.name} operation takes no config.tolerance: it completes only with every part (an export's file with parts missing would look whole). Retry a failed job instead (POST /jobs/:id/retry).`,
    );
  }
  return options;
}
