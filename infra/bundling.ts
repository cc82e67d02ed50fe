/**
 * How the Lambda functions are bundled, in one place: `bundleFunctionSync` is the esbuild
 * build the construct runs at synth in a checkout and `npm pack` runs for the package's
 * prebuilt bundles (infra/build-package.ts), and `bench/bundles.ts` hands the same options
 * (`bundleOptions`) to esbuild, so the sizes the bench reports are the sizes that get deployed.
 *
 * No aws-cdk-lib import: the bench and the pack build load it without the CDK. esbuild is
 * loaded when a bundle is built, not with this module: the installed package ships its
 * bundles and needs no esbuild.
 */
import { copyFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Esbuild from 'esbuild';
import { DOCS_RENDERER } from '../shared/http/public-routes.js';
import { type FunctionName, functionEntryPath } from './function-specs.js';

/**
 * The package's root, the folder of its package.json: a checkout, or `node_modules/partwise`
 * once installed. Found by walking up, because this module runs from `infra/` (sources, tsx)
 * and from `dist/infra/` (the compiled package).
 */
export const PROJECT_ROOT = packageRootAbove(path.dirname(fileURLToPath(import.meta.url)));

function packageRootAbove(folder: string): string {
  for (let dir = folder; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`partwise: no package.json above ${folder}`);
  }
}

export { FUNCTION_NAMES, type FunctionName } from './function-specs.js';

/** One Lambda entry point per name (infra/function-specs.ts), each exporting `handler`. */
export function functionEntry(name: FunctionName): string {
  return path.join(PROJECT_ROOT, functionEntryPath(name));
}

/**
 * A checkout holds the sources and bundles them at synth; the package holds none (its
 * `files` are `dist/`), and deploys the bundles `npm pack` built. The sources decide, not the
 * presence of `dist/`: a stale build in a checkout is never deployed.
 */
export const BUNDLES_FROM_SOURCES = existsSync(functionEntry('api'));

/** The package's prebuilt assets, written by `npm run build:assets` (the `prepack` script). */
export const PREBUILT_ASSETS = path.join(PROJECT_ROOT, 'dist', 'assets');

/** Where the prebuilt bundle of a function is: one set with the AWS SDK bundled, one without. */
export function prebuiltFunction(name: FunctionName, bundleAwsSdk: boolean): string {
  return path.join(PREBUILT_ASSETS, bundleAwsSdk ? 'functions-with-aws-sdk' : 'functions', name);
}

/** The page's files for the static site (web/), prebuilt. */
export const PREBUILT_WEB = path.join(PREBUILT_ASSETS, 'web');

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
  /**
   * `import()` of a module left outside the bundle (the runtime's AWS SDK) becomes
   * `require()`, through the banner's `require`: the SDK is CommonJS, and Node loads it
   * about twice as fast by `require` as through the ESM loader, which lexes each CommonJS
   * file and its re-exports for named exports (docs/operations.md, Init). The adapters load
   * the SDK by `import()`, on first use. A bundled module's `import()` is esbuild's lazy
   * initializer either way.
   */
  supported: { 'dynamic-import': false },
} as const;

/** Environment every function gets besides the partwise ENV names. */
export const RUNTIME_ENVIRONMENT = {
  POWERTOOLS_SERVICE_NAME: 'partwise',
  NODE_OPTIONS: '--enable-source-maps',
} as const;

const requireHere = createRequire(import.meta.url);

/** esbuild's options for one function's bundle, its entry point aside: the deployed settings. */
export function bundleOptions(outfile: string, options: { bundleAwsSdk: boolean }): Esbuild.BuildOptions {
  return {
    outfile,
    bundle: true,
    platform: 'node',
    target: BUNDLE_SETTINGS.target,
    format: BUNDLE_SETTINGS.format,
    minify: BUNDLE_SETTINGS.minify,
    sourcemap: BUNDLE_SETTINGS.sourceMap,
    sourcesContent: BUNDLE_SETTINGS.sourcesContent,
    mainFields: [...BUNDLE_SETTINGS.mainFields],
    supported: { ...BUNDLE_SETTINGS.supported },
    banner: { js: BUNDLE_SETTINGS.banner },
    external: options.bundleAwsSdk ? [] : [...BUNDLE_SETTINGS.awsSdkExternals],
  };
}

/**
 * Bundles `functions/<name>.ts` into `outDir` as `index.mjs` (and its `.map`), with the files
 * it reads at run time beside it. Synchronous: a CDK asset's local bundling is.
 */
export function bundleFunctionSync(
  name: FunctionName,
  outDir: string,
  options: { bundleAwsSdk: boolean },
): void {
  const esbuild: typeof Esbuild = requireHere('esbuild');
  esbuild.buildSync({
    entryPoints: [functionEntry(name)],
    ...bundleOptions(path.join(outDir, 'index.mjs'), options),
    // Sizes are reported by bench/bundles.ts; a build only needs to show problems.
    logLevel: 'warning',
  });
  for (const { from, to } of FUNCTION_FILES[name] ?? []) {
    copyFileSync(path.join(PROJECT_ROOT, from), path.join(outDir, to));
  }
}
