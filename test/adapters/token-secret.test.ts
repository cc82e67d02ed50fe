import { randomBytes } from 'node:crypto';
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaContext } from '../../infra/local/lambda.js';
import { type SecretsExtension, startSecretsExtension } from '../../infra/local/secrets-extension.js';
import { signToken } from '../../shared/access/token.js';
import { ENV } from '../../shared/config.js';
import { keyExpiry } from '../../shared/domain/api-keys.js';
import { DependencyError } from '../../shared/domain/errors.js';
import { newId } from '../../shared/domain/ids.js';
import { authorizerEvent } from '../helpers/api-events.js';
import { startEmulatedAws } from '../helpers/emulated-aws.js';

/**
 * The token secret as the api and authorizer functions read it (the Parameters and Secrets
 * extension's protocol, served here as the local stack serves it), and the authorizer
 * function over it and the key store.
 */
const SECRET_ID = 'partwise-test-token-secret';
const SECRET = randomBytes(32).toString('base64url');
const KEY_SECRET_ID = 'partwise-test-key-secret';
const KEY_SECRET = randomBytes(32).toString('base64url');
const secrets: Record<string, string> = {};
let extension: SecretsExtension;
let aws: Awaited<ReturnType<typeof startEmulatedAws>>;

beforeAll(async () => {
  aws = await startEmulatedAws();
  extension = await startSecretsExtension(secrets);
  Object.assign(process.env, extension.environment, {
    [ENV.tokenSecretId]: SECRET_ID,
    [ENV.keySecretId]: KEY_SECRET_ID,
  });
});
afterAll(async () => {
  await extension?.stop();
  await aws?.stop();
});

describe('the token secret, read through the secrets extension', () => {
  it('is read once per process, and a failed read is tried again on the next use', async () => {
    // Prepare: the secret is not there yet.
    const { extensionTokenSecret } = await import('../../shared/adapters/secrets-manager/token-secret.js');
    const tokenSecret = extensionTokenSecret();

    // Act, Assess
    await expect(tokenSecret.key()).rejects.toBeInstanceOf(DependencyError);
    await expect(tokenSecret.key()).rejects.toThrow(/answered 400/);
    secrets[SECRET_ID] = SECRET;
    const before = extension.requests();
    const keys = await Promise.all([tokenSecret.key(), tokenSecret.key(), tokenSecret.key()]);
    expect(Buffer.from(keys[0] ?? []).toString()).toBe(SECRET);
    expect(await tokenSecret.key()).toBe(keys[0]);
    expect(extension.requests() - before).toBe(1);
  });
});

describe('the authorizer function', () => {
  let handler: (event: APIGatewayRequestAuthorizerEventV2) => Promise<unknown>;
  const KEY = `pw_${randomBytes(12).toString('base64url')}`;

  beforeAll(async () => {
    secrets[SECRET_ID] = SECRET;
    // A key from before the lifecycle (SHA-256): api-keys.test.ts has today's keys.
    const { putLegacyApiKey } = await import('../../shared/adapters/dynamodb/keys.js');
    await putLegacyApiKey(KEY, { environmentId: 'env_a', name: 'test', createdAt: new Date().toISOString() });
    const authorizer = (await import('../../functions/authorizer.js')).handler;
    handler = (event) => authorizer(event, lambdaContext('authorizer', 10));
  });

  const secretBytes = () => new TextEncoder().encode(SECRET);

  it('grants a key from before the lifecycle its environment', async () => {
    expect(await handler(authorizerEvent('/jobs', { authorization: `Bearer ${KEY}` }))).toEqual({
      isAuthorized: true,
      context: { credential: 'api-key', environmentId: 'env_a' },
    });
  });

  it('grants a key its environment, id, expiry and rate limit, checked against the key secret; a revoked key nothing', async () => {
    // Prepare: a key created as the admin function creates it, under the key secret the extension serves.
    secrets[KEY_SECRET_ID] = KEY_SECRET;
    const { dynamoApiKeyStore } = await import('../../shared/adapters/dynamodb/keys.js');
    const { createKey, revokeKey } = await import('../../shared/access/key-admin.js');
    const admin = {
      store: dynamoApiKeyStore,
      secret: { key: async () => new TextEncoder().encode(KEY_SECRET) },
      now: () => new Date(),
    };
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const created = await createKey(admin, {
      environmentId: 'env_b',
      name: 'ci',
      expiresAt,
      rateLimitPerMinute: 7,
    });

    // Act, Assess
    expect(await handler(authorizerEvent('/jobs', { authorization: `Bearer ${created.key}` }))).toEqual({
      isAuthorized: true,
      context: {
        credential: 'api-key',
        environmentId: 'env_b',
        keyId: created.id,
        rateLimitPerMinute: 7,
        // Stored rounded up to a whole second (keyExpiry), handed on in seconds.
        expiresAt: Date.parse(keyExpiry(expiresAt)) / 1000,
      },
    });
    await revokeKey(admin, created.id);
    expect(await handler(authorizerEvent('/jobs', { authorization: `Bearer ${created.key}` }))).toEqual({
      isAuthorized: false,
    });
  });

  it('grants a token its scope, job and expiry, from the header or, on the event stream, ?token=', async () => {
    const jobId = newId('job');
    const { token, claims } = await signToken(secretBytes(), {
      environmentId: 'env_a',
      scope: 'watch',
      jobId,
      ttlSeconds: 300,
    });
    const grant = {
      credential: 'token',
      environmentId: 'env_a',
      scope: 'watch',
      jobId,
      expiresAt: claims.exp,
    };
    expect(await handler(authorizerEvent('/jobs', { authorization: `Bearer ${token}` }))).toEqual({
      isAuthorized: true,
      context: grant,
    });
    expect(await handler(authorizerEvent('/events/stream', {}, { token }))).toEqual({
      isAuthorized: true,
      context: grant,
    });
    expect(await handler(authorizerEvent('/jobs', {}, { token }))).toEqual({ isAuthorized: false });
  });

  it('denies an unknown key, a token signed with another secret, and no credential at all', async () => {
    const forged = await signToken(randomBytes(32), {
      environmentId: 'env_a',
      scope: 'run',
      ttlSeconds: 300,
    });
    const cases: Record<string, string>[] = [
      { authorization: 'Bearer pw_unknown' },
      { authorization: `Bearer ${forged.token}` },
      {},
    ];
    for (const headers of cases) {
      expect(await handler(authorizerEvent('/jobs', headers)), JSON.stringify(headers)).toEqual({
        isAuthorized: false,
      });
    }
  });
});
