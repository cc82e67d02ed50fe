/**
 * `partwise keys …`: API keys through the admin routes (docs/auth.md, docs/cli.md). On the
 * local stack with its admin key (or PARTWISE_ADMIN_KEY); on AWS, whose admin routes are
 * IAM-authorized, every request is signed with SigV4 by the AWS credentials of the shell
 * (the SDK's default chain: environment, profile, SSO, instance role).
 */
import { createHash, type Hash } from 'node:crypto';
import { dataOf, partwiseClient } from '../client/index.js';
import { API_KEY_LIMITS } from '../domain/api-keys.js';
import { EXIT, type Output, UsageError } from './output.js';
import type { AdminTarget } from './target.js';

type AdminClient = ReturnType<typeof partwiseClient>;

export interface KeysContext {
  client: AdminClient;
  output: Output;
}

/** The region of an execute-api URL (`https://<id>.execute-api.<region>.amazonaws.com`), or of the environment. */
export function regionOf(url: string, env: NodeJS.ProcessEnv): string {
  const fromHost = /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/.exec(new URL(url).hostname)?.[1];
  const region = fromHost ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) {
    throw new UsageError(
      `Cannot tell the AWS region of ${url} (a custom domain): set AWS_REGION to sign the admin requests, or PARTWISE_ADMIN_KEY on a local stack.`,
    );
  }
  return region;
}

/** SHA-256 as SignatureV4 takes it, from node:crypto. */
class Sha256 {
  private readonly hash: Hash = createHash('sha256');
  update(data: string | Uint8Array): void {
    this.hash.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
}

/** A fetch that signs each request for execute-api with SigV4 (and sends no bearer). */
async function signingFetch(region: string): Promise<typeof fetch> {
  const [{ SignatureV4 }, { defaultProvider }] = await Promise.all([
    import('@smithy/signature-v4'),
    import('@aws-sdk/credential-provider-node'),
  ]);
  const signer = new SignatureV4({
    service: 'execute-api',
    region,
    credentials: defaultProvider(),
    sha256: Sha256,
  });
  return async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const body = request.body ? await request.text() : undefined;
    const headers: Record<string, string> = { host: url.host };
    request.headers.forEach((value, name) => {
      if (name !== 'authorization') headers[name] = value;
    });
    const signed = await signer.sign({
      method: request.method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      ...(body === undefined ? {} : { body }),
    });
    return fetch(url, {
      method: request.method,
      headers: signed.headers,
      ...(body === undefined ? {} : { body }),
    });
  };
}

/** The typed client of the admin routes: the admin key as a bearer, else SigV4. */
export async function adminClient(target: AdminTarget, env: NodeJS.ProcessEnv): Promise<AdminClient> {
  if (target.adminKey) return partwiseClient({ url: target.url, apiKey: target.adminKey });
  return partwiseClient({
    url: target.url,
    apiKey: '',
    fetch: await signingFetch(regionOf(target.url, env)),
  });
}

type ApiKey = {
  id: string;
  prefix: string;
  name: string;
  status: string;
  environmentId: string;
  expiresAt?: string;
};

const line = (key: ApiKey) =>
  `${key.id}  ${`${key.prefix}…`.padEnd(26)} ${key.status.padEnd(8)} ${key.environmentId}  ${key.name}${key.expiresAt ? `  expires ${key.expiresAt}` : ''}`;

/**
 * A new key: its line and a warning for people (stderr, main.ts), the key alone on stdout so
 * that `KEY=$(partwise keys create …)` captures it; with --json, the whole answer.
 */
async function showCreated(ctx: KeysContext, created: ApiKey & { key: string }, what: string): Promise<void> {
  ctx.output.say(`${what} ${line(created)}`);
  ctx.output.say('The key is shown this once: keep it in a secret store.');
  if (ctx.output.mode === 'json') ctx.output.result(created, created.key);
  else await ctx.output.write(`${created.key}\n`);
}

export async function createKey(
  ctx: KeysContext,
  body: { environmentId: string; name: string; expiresAt?: string; rateLimitPerMinute?: number },
): Promise<number> {
  await showCreated(
    ctx,
    dataOf(await ctx.client.api.POST('/admin/keys', { body }), 'POST /admin/keys'),
    'created',
  );
  return EXIT.ok;
}

export async function listKeys(ctx: KeysContext, environmentId: string): Promise<number> {
  const keys: ApiKey[] = [];
  let next: string | undefined;
  do {
    const answer = await ctx.client.api.GET('/admin/keys', {
      params: { query: { environmentId, limit: 100, ...(next ? { next } : {}) } },
    });
    keys.push(...dataOf(answer, 'GET /admin/keys'));
    next = answer.data?.next ?? undefined;
  } while (next);
  ctx.output.result(keys, keys.length === 0 ? `no keys in ${environmentId}` : keys.map(line));
  return EXIT.ok;
}

export async function showKey(ctx: KeysContext, id: string): Promise<number> {
  const key = dataOf(
    await ctx.client.api.GET('/admin/keys/{id}', { params: { path: { id } } }),
    `GET /admin/keys/${id}`,
  );
  ctx.output.result(key, JSON.stringify(key, null, 2));
  return EXIT.ok;
}

export async function rotateKey(ctx: KeysContext, id: string, overlapSeconds?: number): Promise<number> {
  const rotated = dataOf(
    await ctx.client.api.POST('/admin/keys/{id}/rotate', {
      params: { path: { id } },
      body: { overlapSeconds: overlapSeconds ?? API_KEY_LIMITS.defaultOverlapSeconds },
    }),
    `POST /admin/keys/${id}/rotate`,
  );
  ctx.output.say(
    `${rotated.previous.id} works until ${rotated.previous.expiresAt ?? 'its expiry'}: move its clients to the new key.`,
  );
  await showCreated(ctx, rotated.key, 'rotated into');
  return EXIT.ok;
}

export async function revokeKey(ctx: KeysContext, id: string): Promise<number> {
  const key = dataOf(
    await ctx.client.api.POST('/admin/keys/{id}/revoke', { params: { path: { id } } }),
    `POST /admin/keys/${id}/revoke`,
  );
  ctx.output.result(
    key,
    `revoked ${line(key)} (refused once the authorizer cache has let it go: 30 s by default)`,
  );
  return EXIT.ok;
}
