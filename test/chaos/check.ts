/**
 * What a run under faults must have in common with the fault-free run, and what it must
 * hold on its own: the same final statuses and outputs; every part counted once; every
 * event on the feed, each job's sequence whole; no `job:completed` for work that did not
 * finish; nothing orphaned in the bucket or the table.
 */
import type { ChainResult, Target } from './run.js';
import { call } from './run.js';

export interface Mismatch {
  where: string;
  what: string;
}

/** The run under faults against the fault-free one, chain by chain and step by step. */
export function compareRuns(expected: ChainResult[], actual: ChainResult[]): Mismatch[] {
  const mismatches: Mismatch[] = [];
  const byName = new Map(actual.map((result) => [result.chain.name, result]));
  for (const want of expected) {
    const got = byName.get(want.chain.name);
    const where = want.chain.name;
    if (!got) {
      mismatches.push({ where, what: 'did not run' });
      continue;
    }
    if (got.broken) mismatches.push({ where, what: `broke: ${got.broken}` });
    const steps = (result: ChainResult) =>
      result.jobs.map((j) => `${j.step}:${j.status}${j.errorCode ? `(${j.errorCode})` : ''}`);
    if (steps(got).join(' ') !== steps(want).join(' '))
      mismatches.push({ where, what: `ended ${steps(got).join(' ')}, fault-free ${steps(want).join(' ')}` });
    for (const [output, value] of Object.entries(want.outputs)) {
      if (got.outputs[output] !== value)
        mismatches.push({ where, what: `output ${output} differs (${got.outputs[output]} ≠ ${value})` });
    }
    for (const job of got.jobs) {
      if (job.status === 'COMPLETED' && job.processed !== job.parts)
        mismatches.push({
          where,
          what: `${job.step} ${job.id} completed with ${job.processed} of ${job.parts} parts`,
        });
    }
  }
  return mismatches;
}

interface FeedEvent {
  id: string;
  jobId: string;
  topic: string;
  sequence: number;
  status: string;
  processed: number;
  parts: number;
}

/**
 * Every event of the environment, from the feed (`GET /events?since`), in feed order, read
 * until each of `jobIds` has its final event there. The feed holds back at a young gap in
 * its positions (a relay that died between taking positions and storing): it may take the
 * feed's grace period to move past one, so an empty page means "not yet", not "no more".
 */
export async function feedEvents(
  target: Target,
  jobIds: string[],
  patienceMs = 120_000,
): Promise<FeedEvent[]> {
  const events: FeedEvent[] = [];
  const ended = new Set<string>();
  let since: string | undefined;
  const deadline = Date.now() + patienceMs;
  while (jobIds.some((id) => !ended.has(id)) && Date.now() < deadline) {
    const page = await call<{ data: FeedEvent[]; next: string }>(
      target,
      'GET',
      `/events?limit=500${since ? `&since=${since}` : ''}`,
    );
    events.push(...page.body.data);
    for (const event of page.body.data)
      if (Object.values(FINAL_TOPIC).includes(event.topic)) ended.add(event.jobId);
    if (page.body.data.length === 0) await new Promise((resolve) => setTimeout(resolve, 1000));
    since = page.body.next;
  }
  return events;
}

const FINAL_TOPIC: Record<string, string> = {
  COMPLETED: 'job:completed',
  FAILED: 'job:failed',
  CANCELED: 'job:canceled',
};

/**
 * Each job's events, de-duplicated by id: sequences 1…n with no gap and no two events at
 * one place, `job:waiting` first, one final event that matches the job's status, and a
 * `job:completed` only where every part was counted.
 */
export function checkEvents(results: ChainResult[], events: FeedEvent[]): Mismatch[] {
  const mismatches: Mismatch[] = [];
  const unique = new Map(events.map((event) => [event.id, event]));
  const byJob = new Map<string, FeedEvent[]>();
  for (const event of unique.values()) byJob.set(event.jobId, [...(byJob.get(event.jobId) ?? []), event]);
  for (const result of results) {
    for (const job of result.jobs) {
      const where = `${result.chain.name} ${job.step} ${job.id}`;
      const own = (byJob.get(job.id) ?? []).sort((a, b) => a.sequence - b.sequence);
      const sequences = own.map((event) => event.sequence);
      if (sequences.some((sequence, i) => sequence !== i + 1))
        mismatches.push({ where, what: `event sequences ${sequences.join(',')} are not 1…${own.length}` });
      if (own[0]?.topic !== 'job:waiting') mismatches.push({ where, what: `first event ${own[0]?.topic}` });
      const finals = own.filter((event) => Object.values(FINAL_TOPIC).includes(event.topic));
      if (finals.length !== 1 || finals[0]?.topic !== FINAL_TOPIC[job.status])
        mismatches.push({
          where,
          what: `final events ${finals.map((e) => e.topic).join(',') || 'none'} for ${job.status}`,
        });
      for (const event of own.filter((e) => e.topic === 'job:completed')) {
        if (event.parts > 0 && event.processed !== event.parts)
          mismatches.push({ where, what: `job:completed with ${event.processed} of ${event.parts} parts` });
      }
    }
  }
  return mismatches;
}
