import { afterEach, describe, expect, it } from 'vitest';
import { armCrash } from '../../infra/local/faults.js';
import { WorkerCrashedError, WorkerPool, type WorkerPoolOptions } from '../../infra/local/worker-pool.js';
import type { PoolFixtureEvent } from './fixtures/invoke-handler.js';

const handlerModule = new URL('./fixtures/invoke-handler.ts', import.meta.url);

type Result = {
  instance: string;
  threadId: number;
  invocations: number;
  functionName: string;
  remainingMs: number;
};

let pool: WorkerPool | undefined;
afterEach(async () => {
  await pool?.stop(0);
  pool = undefined;
});

async function startPool(options: Partial<WorkerPoolOptions> = {}): Promise<WorkerPool> {
  pool = await WorkerPool.start({
    functionName: 'fixture',
    handlerModule,
    timeoutSeconds: 30,
    size: 2,
    ...options,
  });
  return pool;
}

const invoke = (target: WorkerPool, event: PoolFixtureEvent) => target.invoke(event) as Promise<Result>;

describe('the worker pool (Lambda instances as worker threads)', () => {
  it('loads the handler once per worker and runs one invocation at a time in each', async () => {
    const target = await startPool({ size: 2 });

    const results = await Promise.all(
      Array.from({ length: 8 }, () => invoke(target, { kind: 'echo', holdMs: 50 })),
    );

    const instances = new Set(results.map((result) => result.instance));
    expect(instances.size).toBe(2);
    // Each instance counted its own invocations 1..4: sequential, never two at once.
    for (const id of instances) {
      const counts = results.filter((result) => result.instance === id).map((result) => result.invocations);
      expect(counts.sort()).toEqual([1, 2, 3, 4]);
    }
    expect(results[0]?.functionName).toBe('fixture');
    expect(results[0]?.remainingMs).toBeGreaterThan(29_000);
  });

  it('rejects with the error the handler threw, and the worker lives on', async () => {
    const target = await startPool({ size: 1 });

    await expect(invoke(target, { kind: 'throw' })).rejects.toMatchObject({
      name: 'TypeError',
      message: 'fixture failure',
    });
    const after = await invoke(target, { kind: 'echo' });

    expect(after.invocations).toBe(2);
    expect(target.replacedWorkers).toBe(0);
  });

  it('replaces a worker that dies mid-invocation and fails only that invocation', async () => {
    const target = await startPool({ size: 1 });
    const before = await invoke(target, { kind: 'echo' });

    await expect(invoke(target, { kind: 'exit' })).rejects.toBeInstanceOf(WorkerCrashedError);
    const after = await invoke(target, { kind: 'echo' });

    expect(target.replacedWorkers).toBe(1);
    expect(after.instance).not.toBe(before.instance);
    expect(after.invocations).toBe(1); // a cold start
  });

  it('crashes exactly one worker, once, at the armed fault point', async () => {
    const target = await startPool({ size: 2, crashOnce: armCrash({ crashOnce: 'fixture:point' }) });

    const outcomes = await Promise.allSettled(
      Array.from({ length: 6 }, () => invoke(target, { kind: 'fault', point: 'fixture:point' })),
    );
    await invoke(target, { kind: 'fault', point: 'other:point' });

    expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toHaveLength(1);
    expect(target.replacedWorkers).toBe(1);
  });

  it('stops an invocation at the function timeout by replacing its worker', async () => {
    const target = await startPool({ size: 1, timeoutSeconds: 0.3 });

    await expect(invoke(target, { kind: 'hang' })).rejects.toThrow(/timed out/);
    const after = await invoke(target, { kind: 'echo' });

    expect(after.invocations).toBe(1);
  });

  it('refuses to start when the handler module cannot be loaded', async () => {
    await expect(
      WorkerPool.start({
        functionName: 'broken',
        handlerModule: new URL('./fixtures/does-not-exist.ts', import.meta.url),
        timeoutSeconds: 5,
        size: 1,
      }),
    ).rejects.toThrow(/does-not-exist/);
  });
});
