import { SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { freshModule } from '../../helpers/fresh-module.js';

/** The names of a client's middlewares: the Tracer's capture adds its own. */
const middlewaresOf = (client: SQSClient) => client.middlewareStack.identify().join(' ');
const newClient = () => new SQSClient({ region: 'us-east-1' });

describe('tracing', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('inside Lambda, captures the clients made at import once the first invocation loads the Tracer', async () => {
    vi.stubEnv('AWS_EXECUTION_ENV', 'AWS_Lambda_nodejs24.x');
    const tracing = await freshModule(() => import('../../../shared/tracing.js'));
    const early = tracing.traced(newClient());
    const untraced = middlewaresOf(newClient());
    expect(middlewaresOf(early)).toBe(untraced);

    expect(await tracing.tracer()).toBeDefined();

    expect(middlewaresOf(early)).not.toBe(untraced);
    expect(middlewaresOf(tracing.traced(newClient()))).toBe(middlewaresOf(early));
  });

  it('outside Lambda, or turned off, never loads the Tracer and leaves clients as they are', async () => {
    for (const env of [
      {},
      { AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x', POWERTOOLS_TRACE_ENABLED: 'false' },
    ]) {
      vi.unstubAllEnvs();
      vi.stubEnv('AWS_EXECUTION_ENV', undefined);
      for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
      const tracing = await freshModule(() => import('../../../shared/tracing.js'));
      const client = tracing.traced(newClient());
      expect(await tracing.tracer()).toBeUndefined();
      expect(middlewaresOf(client)).toBe(middlewaresOf(newClient()));
    }
  });
});
