/**
 * The AWS Parameters and Secrets Lambda Extension, as the local stack emulates it: the
 * handlers read the token secret over the same HTTP protocol on both stacks
 * (shared/adapters/secrets-manager/token-secret.ts). It answers GetSecretValue's JSON for
 * the secrets it is given, on loopback, to callers that send the session token header.
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/retrieving-secrets_lambda.html
 *
 * The token secret itself is generated once and kept in the data dir, as the API key is.
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { ENV } from '../../shared/config.js';

/** The id the local stack gives the token secret (an ARN on AWS). */
export const LOCAL_TOKEN_SECRET_ID = 'partwise-token-secret';

/** The file of the data dir that holds the token secret. */
export const TOKEN_SECRET_FILE = 'token-secret';

/** The token secret of `dataDir`: the one saved there, else a new one (256 random bits), saved. */
export async function resolveTokenSecret(dataDir: string): Promise<string> {
  const file = resolve(dataDir, TOKEN_SECRET_FILE);
  const saved = await readFile(file, 'utf8').then(
    (text) => text.trim(),
    () => '',
  );
  if (saved) return saved;
  const created = randomBytes(32).toString('base64url');
  await writeFile(file, `${created}\n`, { mode: 0o600 });
  return created;
}

/**
 * The token secret of `dataDir`, served by a local secrets extension; `environment` is what
 * the api and authorizer handlers need to read it (set before they first run).
 */
export async function startLocalTokenSecret(dataDir: string): Promise<SecretsExtension> {
  const extension = await startSecretsExtension({
    [LOCAL_TOKEN_SECRET_ID]: await resolveTokenSecret(dataDir),
  });
  return {
    ...extension,
    environment: { ...extension.environment, [ENV.tokenSecretId]: LOCAL_TOKEN_SECRET_ID },
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
