/**
 * The AWS Parameters and Secrets Lambda Extension, as the local stack emulates it: the
 * handlers read the token secret over the same HTTP protocol on both stacks
 * (shared/adapters/secrets-manager/token-secret.ts). It answers GetSecretValue's JSON for
 * the secrets it is given, on loopback, to callers that send the session token header.
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/retrieving-secrets_lambda.html
 *
 * The secrets themselves are generated once and kept in the data dir, as the API key is.
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { ENV } from '../../shared/config.js';

/** The ids the local stack gives its secrets (ARNs on AWS). */
export const LOCAL_TOKEN_SECRET_ID = 'partwise-token-secret';
export const LOCAL_KEY_SECRET_ID = 'partwise-key-secret';

/** The files of the data dir that hold them: the token secret, the key secret, the admin key (api-gateway.ts). */
export const TOKEN_SECRET_FILE = 'token-secret';
export const KEY_SECRET_FILE = 'key-secret';
export const ADMIN_KEY_FILE = 'admin-key';

/** The secret of `dataDir` kept in `file`: the one saved there, else a new one (256 random bits), saved. */
export async function resolveSecretFile(dataDir: string, file: string): Promise<string> {
  const path = resolve(dataDir, file);
  const saved = await readFile(path, 'utf8').then(
    (text) => text.trim(),
    () => '',
  );
  if (saved) return saved;
  const created = randomBytes(32).toString('base64url');
  await writeFile(path, `${created}\n`, { mode: 0o600 });
  return created;
}

/**
 * The token secret and the key secret of `dataDir`, served by a local secrets extension;
 * `environment` is what the handlers need to read them (set before they first run).
 * Deleting `key-secret` refuses every key the stack made (keys given to it are stored as
 * legacy SHA-256 hashes and do not depend on it).
 */
export async function startLocalSecrets(dataDir: string): Promise<SecretsExtension> {
  const extension = await startSecretsExtension({
    [LOCAL_TOKEN_SECRET_ID]: await resolveSecretFile(dataDir, TOKEN_SECRET_FILE),
    [LOCAL_KEY_SECRET_ID]: await resolveSecretFile(dataDir, KEY_SECRET_FILE),
  });
  return {
    ...extension,
    environment: {
      ...extension.environment,
      [ENV.tokenSecretId]: LOCAL_TOKEN_SECRET_ID,
      [ENV.keySecretId]: LOCAL_KEY_SECRET_ID,
    },
  };
}

export interface SecretsExtension {
  /** What the handlers' environment needs to reach it: the port and the secret's id. */
  environment: Record<string, string>;
  /** Requests answered so far (the handlers read the secret once per process). */
  requests(): number;
  stop(): Promise<void>;
}

/** Serves `secrets` (id → SecretString) as the extension does, on a free loopback port. */
export async function startSecretsExtension(secrets: Record<string, string>): Promise<SecretsExtension> {
  const createdDate = new Date().toISOString();
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    const url = new URL(req.url ?? '/', 'http://localhost');
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    // The extension refuses a caller without the header (it holds AWS_SESSION_TOKEN in Lambda).
    if (req.headers['x-aws-parameters-secrets-token'] === undefined) {
      return answer(401, { message: 'missing X-Aws-Parameters-Secrets-Token' });
    }
    const id = url.searchParams.get('secretId') ?? '';
    const secret = secrets[id];
    if (req.method !== 'GET' || url.pathname !== '/secretsmanager/get' || secret === undefined) {
      return answer(400, { message: `Secrets Manager can't find the specified secret: ${id}` });
    }
    answer(200, {
      ARN: id,
      Name: id,
      SecretString: secret,
      VersionId: 'local',
      VersionStages: ['AWSCURRENT'],
      CreatedDate: createdDate,
    });
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolveListen());
  });
  const { port } = server.address() as AddressInfo;
  return {
    environment: { [ENV.secretsExtensionPort]: String(port) },
    requests: () => requests,
    stop: () => new Promise<void>((resolveClose) => server.close(() => resolveClose())),
  };
}
