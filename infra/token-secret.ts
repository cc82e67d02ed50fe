/**
 * The server secrets (docs/auth.md): the one that signs browser tokens, the one API keys are
 * stored under as HMACs; and how the functions that use them read them: the AWS Parameters and Secrets Lambda Extension, which answers GetSecretValue on
 * the function's localhost (shared/adapters/secrets-manager/token-secret.ts) and so keeps a
 * Secrets Manager client out of the bundles.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import {
  ParamsAndSecretsLayerVersion,
  ParamsAndSecretsLogLevel,
  ParamsAndSecretsVersions,
} from 'aws-cdk-lib/aws-lambda';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';

/**
 * 64 letters and digits: about 380 random bits, more than HS256's 256. Removed with the
 * stack whatever the removal policy: nothing lasting depends on it, and a new secret only
 * refuses the tokens minted under the old one (an hour's worth at most).
 */
export function createTokenSecret(scope: Construct): Secret {
  return new Secret(scope, 'TokenSecret', {
    description: 'partwise: signs the short-lived browser tokens (HS256)',
    generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
    removalPolicy: RemovalPolicy.DESTROY,
  });
}

/**
 * 64 letters and digits, as the token secret. Kept as the data is (`removalPolicy`): every
 * API key is stored as an HMAC under it, so a new secret refuses every key there is.
 */
export function createKeySecret(scope: Construct, removalPolicy: RemovalPolicy): Secret {
  return new Secret(scope, 'KeySecret', {
    description: 'partwise: the API keys are stored as HMAC-SHA256 under it',
    generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
    removalPolicy,
  });
}

/** The extension's layer, for the functions that read a secret. Its own cache hardly matters: the functions keep the secret once read. */
export function tokenSecretExtension(): ParamsAndSecretsLayerVersion {
  return ParamsAndSecretsLayerVersion.fromVersion(ParamsAndSecretsVersions.V1_0_103, {
    logLevel: ParamsAndSecretsLogLevel.WARN,
  });
}
