import { existsSync } from 'node:fs';
import path from 'node:path';
import { AssetHashType, DockerImage, type Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import {
  Architecture,
  Code,
  Function as LambdaFunction,
  type ParamsAndSecretsLayerVersion,
  Runtime,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import {
  BUNDLES_FROM_SOURCES,
  bundleFunctionSync,
  type FunctionName,
  LAMBDA_NODE_MAJOR,
  PROJECT_ROOT,
  prebuiltFunction,
} from './bundling.js';
import { logGroupEncryption } from './encryption.js';
import { PartwiseInfraError } from './errors.js';

export interface PartwiseFunctionOptions {
  description: string;
  memorySize: number;
  timeout: Duration;
  environment: Record<string, string>;
  logRetention: RetentionDays;
  removalPolicy: RemovalPolicy;
  /** The key of the function's log group. @default CloudWatch Logs' own encryption */
  logEncryptionKey?: IKey;
  bundleAwsSdk: boolean;
  /** The Parameters and Secrets extension, for a function that reads a secret. @default none */
  paramsAndSecrets?: ParamsAndSecretsLayerVersion;
}

/** The Lambda runtime matching `LAMBDA_NODE_MAJOR`. */
const RUNTIME = Runtime.NODEJS_24_X;
if (!RUNTIME.name.startsWith(`nodejs${LAMBDA_NODE_MAJOR}.`)) {
  throw new Error(`Runtime ${RUNTIME.name} does not match LAMBDA_NODE_MAJOR ${LAMBDA_NODE_MAJOR}`);
}

/**
 * One `functions/<name>.ts` entry point as a Lambda function, with its own role and log
 * group. The role starts empty apart from writing to that log group (no
 * AWSLambdaBasicExecutionRole, which allows every log group): the construct adds exactly what
 * the function uses.
 */
export function createPartwiseFunction(
  scope: Construct,
  id: string,
  name: FunctionName,
  options: PartwiseFunctionOptions,
): LambdaFunction {
  const logGroup = new LogGroup(scope, `${id}Logs`, {
    retention: options.logRetention,
    removalPolicy: options.removalPolicy,
    ...logGroupEncryption(options.logEncryptionKey),
  });
  const role = new Role(scope, `${id}Role`, {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    description: `partwise ${name} function`,
  });
  logGroup.grantWrite(role);

  return new LambdaFunction(scope, id, {
    code: functionCode(name, options.bundleAwsSdk),
    handler: 'index.handler',
    runtime: RUNTIME,
    architecture: Architecture.ARM_64,
    description: options.description,
    memorySize: options.memorySize,
    timeout: options.timeout,
    role,
    logGroup,
    // X-Ray: Lambda records each invocation; Powertools Tracer adds the handler and SDK calls (shared/tracing.ts).
    tracing: Tracing.ACTIVE,
    environment: options.environment,
    ...(options.paramsAndSecrets ? { paramsAndSecrets: options.paramsAndSecrets } : {}),
  });
}

/**
 * The function's code. In a checkout, `functions/<name>.ts` bundled at synth by the local
 * esbuild (never Docker; infra/bundling.ts). In the installed package, the bundle `npm pack`
 * built: the package then needs neither esbuild nor its sources at the consumer's synth, and
 * deploys exactly the code that was packed.
 */
function functionCode(name: FunctionName, bundleAwsSdk: boolean): Code {
  if (!BUNDLES_FROM_SOURCES) {
    const prebuilt = prebuiltFunction(name, bundleAwsSdk);
    if (!existsSync(path.join(prebuilt, 'index.mjs'))) {
      throw new PartwiseInfraError(
        `partwise: the ${name} function's bundle is missing at ${prebuilt}; the package was packed without \`npm run build\``,
      );
    }
    return Code.fromAsset(prebuilt);
  }
  return Code.fromAsset(path.join(PROJECT_ROOT, 'functions'), {
    // The hash of the bundle, not of the folder: each function's asset is its own bundle.
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Required by the type, never pulled: the local build either succeeds or throws.
      image: DockerImage.fromRegistry('partwise-bundles-locally'),
      // Never run either; it tells the ten assets apart, which CDK caches by their options.
      command: ['bundle', name, bundleAwsSdk ? 'with-aws-sdk' : 'without-aws-sdk'],
      local: {
        tryBundle(outputDir) {
          bundleFunctionSync(name, outputDir, { bundleAwsSdk });
          return true;
        },
      },
    },
  });
}
