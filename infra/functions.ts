import path from 'node:path';
import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, type ParamsAndSecretsLayerVersion, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import {
  BUNDLE_SETTINGS,
  FUNCTION_FILES,
  type FunctionName,
  functionEntry,
  LAMBDA_NODE_MAJOR,
  PROJECT_ROOT,
} from './bundling.js';

export interface PartwiseFunctionOptions {
  description: string;
  memorySize: number;
  timeout: Duration;
  environment: Record<string, string>;
  logRetention: RetentionDays;
  removalPolicy: RemovalPolicy;
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
 * One `functions/<name>.ts` entry point as a Lambda function, bundled by the local esbuild
 * (no Docker), with its own role and log group. The role starts empty apart from writing
 * to that log group (no AWSLambdaBasicExecutionRole, which allows every log group): the
 * construct adds exactly what the function uses.
 */
export function createPartwiseFunction(
  scope: Construct,
  id: string,
  name: FunctionName,
  options: PartwiseFunctionOptions,
): NodejsFunction {
  const logGroup = new LogGroup(scope, `${id}Logs`, {
    retention: options.logRetention,
    removalPolicy: options.removalPolicy,
  });
  const role = new Role(scope, `${id}Role`, {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    description: `partwise ${name} function`,
  });
  logGroup.grantWrite(role);

  return new NodejsFunction(scope, id, {
    entry: functionEntry(name),
    handler: 'handler',
    projectRoot: PROJECT_ROOT,
    depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
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
    bundling: {
      forceDockerBundling: false,
      format: OutputFormat.ESM,
      target: BUNDLE_SETTINGS.target,
      minify: BUNDLE_SETTINGS.minify,
      sourceMap: BUNDLE_SETTINGS.sourceMap,
      sourcesContent: BUNDLE_SETTINGS.sourcesContent,
      mainFields: [...BUNDLE_SETTINGS.mainFields],
      banner: BUNDLE_SETTINGS.banner,
      bundleAwsSDK: options.bundleAwsSdk,
      externalModules: options.bundleAwsSdk ? [] : [...BUNDLE_SETTINGS.awsSdkExternals],
      // Sizes are reported by bench/bundles.ts; a synth only needs to show problems.
      logLevel: LogLevel.WARNING,
      commandHooks: {
        beforeBundling: () => [],
        beforeInstall: () => [],
        // The files the function reads at run time (bundling.ts), next to index.mjs.
        afterBundling: (inputDir, outputDir) =>
          (FUNCTION_FILES[name] ?? []).map(
            ({ from, to }) => `cp "${path.join(inputDir, from)}" "${path.join(outputDir, to)}"`,
          ),
      },
    },
  });
}
