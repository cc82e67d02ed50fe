/**
 * Bundle size and module init time of every Lambda function, bundled exactly as the
 * JobsService construct bundles them (infra/bundling.ts), beside a baseline: an empty
 * handler measured the same way in the same run.
 *
 *   node --import tsx bench/bundles.ts [--bundle-aws-sdk] [--runs=7] [--compare=<git ref>] [--json]
 *
 * --json prints the rows as JSON (npm run bench reads them into its summary).
 *
 * With --compare, the functions are also bundled from that commit's sources (git archive,
 * into bench/data, so that its packages resolve from this node_modules) and each fresh
 * process of one is followed by one of the other: a busy machine slows both alike, and the
 * ratio of their medians is the figure to read.
 *
 * Init time is the `await import()` of the bundle in a fresh Node process (this machine's
 * Node, not Lambda's), with NODE_OPTIONS=--enable-source-maps as deployed and dummy values
 * for the configuration. Without --bundle-aws-sdk the SDK stays external, as in Lambda,
 * and is loaded from node_modules here the way the runtime loads its own copy.
 *
 * First use is init and then the load of every external SDK module the bundle can load
 * (its metafile's), in the same process and the same way the bundle loads it (`import()` or
 * `require()`): what the SDK loading the adapters defer to the first invocation costs it,
 * at most (a request that touches fewer clients loads fewer). What is loaded at init
 * already costs nothing more here. With --bundle-aws-sdk the SDK is inside the bundle, and
 * first use is init: the deferred evaluation of the bundled SDK is not measured.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import {
  BUNDLE_SETTINGS,
  bundleOptions,
  FUNCTION_NAMES,
  functionEntry,
  LAMBDA_NODE_MAJOR,
  PROJECT_ROOT,
  RUNTIME_ENVIRONMENT,
} from '../infra/bundling.js';
import { ENV } from '../shared/config.js';

const run = promisify(execFile);
const args = process.argv.slice(2);
const bundleAwsSdk = args.includes('--bundle-aws-sdk');
const runs = Number(args.find((a) => a.startsWith('--runs='))?.split('=')[1] ?? 7);
const json = args.includes('--json');
const compareRef = args.find((a) => a.startsWith('--compare='))?.split('=')[1];
/** Inside the repository (git-ignored), so that external packages resolve from node_modules. */
const OUT_DIR = path.join(PROJECT_ROOT, 'bench', 'data', 'bundles');

const DUMMY_ENV = {
  [ENV.tableName]: 'partwise-bench',
  [ENV.bucketName]: 'partwise-bench',
  [ENV.partsQueueUrl]: 'https://sqs.us-east-1.amazonaws.com/000000000000/partwise-bench',
  [ENV.eventBusName]: 'partwise-bench',
  [ENV.eventSource]: 'partwise',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  // As in Lambda: what loads only inside Lambda (the Tracer) would load here too, if at init.
  AWS_EXECUTION_ENV: `AWS_Lambda_nodejs${LAMBDA_NODE_MAJOR}.x`,
  ...RUNTIME_ENVIRONMENT,
};

export interface Row {
  name: string;
  bytes: number;
  gzipBytes: number;
  initMs: number[];
  /** Init and the load of the SDK modules left for the first invocation. */
  firstUseMs: number[];
  largest: string;
}

/** An external AWS SDK module of a bundle, and how the bundle loads it. */
interface SdkModule {
  path: string;
  by: 'import' | 'require';
}

interface Bundle {
  file: string;
  meta: Metafile;
  sdk: SdkModule[];
}

/** The runtime-provided SDK modules the bundle loads, at init or later (none when it bundles the SDK). */
function sdkModules(meta: Metafile): SdkModule[] {
  const modules = new Map<string, SdkModule>();
  for (const output of Object.values(meta.outputs)) {
    for (const { path: module, kind, external } of output.imports) {
      if (!external || !module.startsWith('@aws-sdk/')) continue;
      const by = kind === 'require-call' ? 'require' : 'import';
      if (modules.get(module)?.by !== 'import') modules.set(module, { path: module, by });
    }
  }
  return [...modules.values()];
}

async function bundle(name: string, entry: { file: string } | { contents: string }): Promise<Bundle> {
  const outfile = path.join(OUT_DIR, name, 'index.mjs');
  const result = await build({
    ...('file' in entry
      ? { entryPoints: [entry.file] }
      : { stdin: { contents: entry.contents, loader: 'ts', resolveDir: PROJECT_ROOT } }),
    ...bundleOptions(outfile, { bundleAwsSdk }),
    metafile: true,
    logLevel: 'warning',
  });
  return { file: outfile, meta: result.metafile, sdk: sdkModules(result.metafile) };
}

/** The three packages (or source folders) that take the most room in the bundle. */
function largestInputs(meta: Metafile): string {
  const bytes = new Map<string, number>();
  for (const output of Object.values(meta.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const pkg =
        input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ?? input.split('/').slice(0, 2).join('/');
      bytes.set(pkg, (bytes.get(pkg) ?? 0) + bytesInOutput);
    }
  }
  return [...bytes]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([pkg, b]) => `${pkg} ${kb(b)}`)
    .join(', ');
}

interface Timing {
  init: number;
  firstUse: number;
}

/** One fresh process: the bundle's import, then its SDK modules loaded as the bundle would. */
async function initTime({ file, sdk }: Bundle): Promise<Timing> {
  const url = JSON.stringify(pathToFileURL(file).href);
  const script = [
    "import { createRequire } from 'node:module';",
    `const t = performance.now(); await import(${url}); const init = performance.now() - t;`,
    `const require = createRequire(${url});`,
    ...sdk.map(({ path: module, by }) =>
      by === 'require' ? `require(${JSON.stringify(module)});` : `await import(${JSON.stringify(module)});`,
    ),
    'console.log(JSON.stringify({ init, firstUse: performance.now() - t }));',
  ].join('\n');
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, ...DUMMY_ENV },
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Timing;
}

async function row(name: string, built: Bundle, timings: Timing[]): Promise<Row> {
  const code = await readFile(built.file);
  return {
    name,
    bytes: code.length,
    gzipBytes: gzipSync(code).length,
    initMs: timings.map((t) => t.init),
    firstUseMs: timings.map((t) => t.firstUse),
    largest: largestInputs(built.meta),
  };
}

async function measure(name: string, entry: { file: string } | { contents: string }): Promise<Row> {
  const built = await bundle(name, entry);
  const timings: Timing[] = [];
  for (let i = 0; i < runs; i++) timings.push(await initTime(built));
  return row(name, built, timings);
}

/** The sources of `ref` (functions/ and shared/), where esbuild resolves packages from this node_modules. */
function checkout(ref: string): string {
  const dir = path.join(OUT_DIR, '..', 'compare-src', ref.replace(/[^\w.-]/g, '_'));
  execFileSync('rm', ['-rf', dir]);
  execFileSync('mkdir', ['-p', dir]);
  const archive = execFileSync('git', ['archive', ref, 'functions', 'shared'], {
    cwd: PROJECT_ROOT,
    maxBuffer: 512 * 1024 * 1024,
  });
  execFileSync('tar', ['-x', '-C', dir], { input: archive });
  return dir;
}

/** Both builds of every function, their fresh processes interleaved. */
async function compare(ref: string): Promise<void> {
  const root = checkout(ref);
  const rows: { name: string; before: Row; after: Row }[] = [];
  for (const name of FUNCTION_NAMES) {
    const then = await bundle(`${name}@${ref}`, { file: path.join(root, 'functions', `${name}.ts`) });
    const now = await bundle(name, { file: functionEntry(name) });
    const before: Timing[] = [];
    const after: Timing[] = [];
    for (let i = 0; i < runs; i++) {
      before.push(await initTime(then));
      after.push(await initTime(now));
    }
    rows.push({ name, before: await row(name, then, before), after: await row(name, now, after) });
  }
  console.log(
    `partwise bundles, ${ref} → working tree — Node ${process.version}, AWS SDK ${bundleAwsSdk ? 'bundled' : 'external'}, ` +
      `init and first use (init + the SDK modules it loads later) = median of ${runs} fresh processes each, interleaved\n`,
  );
  console.table(
    rows.map(({ name, before, after }) => ({
      function: name,
      [`minified ${ref}`]: kb(before.bytes),
      'minified now': kb(after.bytes),
      [`init ${ref}`]: `${median(before.initMs).toFixed(1)} ms`,
      'init now': `${median(after.initMs).toFixed(1)} ms`,
      'now / before': (median(after.initMs) / median(before.initMs)).toFixed(2),
      [`first use ${ref}`]: `${median(before.firstUseMs).toFixed(1)} ms`,
      'first use now': `${median(after.firstUseMs).toFixed(1)} ms`,
      'first use now / before': (median(after.firstUseMs) / median(before.firstUseMs)).toFixed(2),
    })),
  );
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

await rm(OUT_DIR, { recursive: true, force: true });
await mkdir(OUT_DIR, { recursive: true });
if (compareRef) {
  await compare(compareRef);
  process.exit(0);
}

const rows: Row[] = [
  await measure('(baseline: empty handler)', { contents: 'export const handler = async () => {};' }),
  // What the functions load on their first invocation in Lambda, not at init (shared/tracing.ts).
  await measure('(Tracer, loaded on first invocation)', {
    contents: "import { Tracer } from '@aws-lambda-powertools/tracer'; export const tracer = new Tracer();",
  }),
];
for (const name of FUNCTION_NAMES) rows.push(await measure(name, { file: functionEntry(name) }));

if (json) {
  console.log(JSON.stringify(rows));
  process.exit(0);
}
console.log(
  `partwise bundles — Node ${process.version} (${process.arch}), target ${BUNDLE_SETTINGS.target}, ` +
    `AWS SDK ${bundleAwsSdk ? 'bundled' : 'external (runtime-provided)'}, init and first use ` +
    `(init + the SDK modules it loads later) = median of ${runs} fresh processes\n`,
);
const table = rows.map((r) => ({
  function: r.name,
  minified: kb(r.bytes),
  gzip: kb(r.gzipBytes),
  'init median': `${median(r.initMs).toFixed(1)} ms`,
  'init min': `${Math.min(...r.initMs).toFixed(1)} ms`,
  'first use median': `${median(r.firstUseMs).toFixed(1)} ms`,
  largest: r.largest,
}));
console.table(table);
