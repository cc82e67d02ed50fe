/**
 * The server secrets (the token secret, the key secret) from Secrets Manager, read through the AWS Parameters and Secrets Lambda
 * Extension: an HTTP GET on the function's own localhost that answers GetSecretValue. The
 * Lambda guide recommends it over an SDK call, and it keeps a Secrets Manager client out of
 * the bundles. The local stack serves the same protocol (infra/local/secrets-extension.ts).
 * https://docs.aws.amazon.com/lambda/latest/dg/with-secrets-manager.html
 */
import { config } from '../../config.js';
import { DependencyError } from '../../domain/errors.js';
import type { KeySecret, ServerSecret, TokenSecret } from '../../ports.js';

/** The extension answers from its cache or after one Secrets Manager call: seconds at most. */
const TIMEOUT_MS = 5000;

async function readSecret(secretId: string, what: string): Promise<Uint8Array> {
  const url = new URL(`http://localhost:${config.secretsExtensionPort}/secretsmanager/get`);
  url.searchParams.set('secretId', secretId);
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { 'X-Aws-Parameters-Secrets-Token': config.awsSessionToken ?? '' },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    throw new DependencyError(`The ${what} could not be read (the secrets extension did not answer).`, {
      cause: error,
    });
  }
  const text = await response.text();
  if (!response.ok) {
    throw new DependencyError(
      `The ${what} could not be read: the secrets extension answered ${response.status} ${text.slice(0, 200)}`,
    );
  }
  let secretString: unknown;
  try {
    secretString = (JSON.parse(text) as { SecretString?: unknown }).SecretString;
  } catch (error) {
    throw new DependencyError('The secrets extension answered something that is not JSON.', { cause: error });
  }
  if (typeof secretString !== 'string' || secretString === '') {
    throw new DependencyError(`The ${what} has no SecretString.`);
  }
  return new TextEncoder().encode(secretString);
}

/**
 * Read on first use, then kept for the life of the process: a Lambda instance reads it once
 * per cold start. A failed read is not kept, so the next request tries again.
 */
function extensionSecret(secretId: () => string, what: string): ServerSecret {
  let key: Promise<Uint8Array> | undefined;
  return {
    key() {
      key ??= readSecret(secretId(), what).catch((error: unknown) => {
        key = undefined;
        throw error;
      });
      return key;
    },
  };
}

/** The secret that signs browser tokens (a token to verify or to mint). */
export function extensionTokenSecret(): TokenSecret {
  return extensionSecret(() => config.tokenSecretId, 'token secret');
}

/** The secret API keys are stored under (a key to check or to create). */
export function extensionKeySecret(): KeySecret {
  return extensionSecret(() => config.keySecretId, 'key secret');
}
