/**
 * How the Lambda functions are bundled, in one place: the construct turns these settings
 * into `NodejsFunction` bundling options and `bench/bundles.ts` hands the same ones to
 * esbuild, so the sizes the bench reports are the sizes that get deployed.
 *
 * Plain data on purpose (no aws-cdk-lib import): the bench loads it without the CDK.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DOCS_RENDERER } from '../shared/http/public-routes.js';

/** The repository root: the construct bundles `functions/*.ts` from here. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** One Lambda entry point per name: `functions/<name>.ts`, each exporting `handler`. */
export const FUNCTION_NAMES = [
  'api',
  'authorizer',
  'admin',
  'processor',
  'relay',
  'dead-letter',
  'sweeper',
  'push-authorizer',
  'push-connections',
  'push-fan-out',
] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

export function functionEntry(name: FunctionName): string {
  return path.join(PROJECT_ROOT, 'functions', `${name}.ts`);
}

/**
 * Files a function reads at run time besides its bundle, copied next to it (`to`) from the
 * project (`from`). The api function serves Redoc's standalone bundle at GET
 * /docs/renderer.js: a file read on request, not a module in the bundle every cold start
 * parses.
 */
export const FUNCTION_FILES: Partial<Record<FunctionName, readonly { from: string; to: string }[]>> = {
  api: [{ from: `node_modules/${DOCS_RENDERER.module}`, to: DOCS_RENDERER.file }],
};

/** The Lambda runtime's Node.js major version (`nodejs24.x`); esbuild targets the same. */
export const LAMBDA_NODE_MAJOR = 24;

/**
 * ESM bundles have no `require`; a CommonJS dependency that calls `require('node:…')`
 * at run time would throw "Dynamic require is not supported". The banner gives them one.
 */
const REQUIRE_BANNER =
  "import { createRequire as __partwiseCreateRequire } from 'node:module'; const require = __partwiseCreateRequire(import.meta.url);";

export const BUNDLE_SETTINGS = {
  target: `node${LAMBDA_NODE_MAJOR}`,
  format: 'esm',
  minify: true,
  /** An external `.map` next to the bundle, read when NODE_OPTIONS has --enable-source-maps. */
  sourceMap: true,
  /** Sources stay out of the map: stack traces need names and lines, not the code itself. */
  sourcesContent: false,
  /** Prefer the ESM build of dual packages: it tree-shakes. */
  mainFields: ['module', 'main'],
  banner: REQUIRE_BANNER,
  /** Provided by the Lambda Node.js runtime unless `bundleAwsSdk` is set. */
  awsSdkExternals: ['@aws-sdk/*'],
} as const;

/** Environment every function gets besides the partwise ENV names. */
export const RUNTIME_ENVIRONMENT = {
  POWERTOOLS_SERVICE_NAME: 'partwise',
  NODE_OPTIONS: '--enable-source-maps',
} as const;
