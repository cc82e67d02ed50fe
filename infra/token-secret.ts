/**
 * The secret that signs browser tokens (docs/auth.md), and how the two functions that use it
 * read it: the AWS Parameters and Secrets Lambda Extension, which answers GetSecretValue on
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

/** The extension's layer, for the api and authorizer functions. Its own cache hardly matters: the functions keep the secret once read. */
export function tokenSecretExtension(): ParamsAndSecretsLayerVersion {
  return ParamsAndSecretsLayerVersion.fromVersion(ParamsAndSecretsVersions.V1_0_103, {
    logLevel: ParamsAndSecretsLogLevel.WARN,
  });
}
