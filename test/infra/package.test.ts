/**
 * The package as an infra team installs it (issue 15, item 7): `npm pack` (which builds
 * dist/ through `prepack`), the tarball unpacked into a scratch CDK app's node_modules, a JS
 * app and a TS app that synthesize a stack with `new JobsService(...)`.
 *
 * Offline and without a registry: the tarball is unpacked where `npm install` would put it,
 * and the scratch app's node_modules links this checkout's copies of exactly the package's
 * `dependencies` (plus the peers aws-cdk-lib and constructs, and @types/node for the TS
 * app). An import of anything the package does not declare therefore fails here, as it
 * would for a consumer.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../infra/bundling.js';
import { FUNCTION_KEYS, FUNCTION_SPECS } from '../../infra/function-specs.js';

const run = promisify(execFile);
/**
 * Each step's limit. The build (tsc and eighteen bundles) dominates: about 45 s of CPU for the
 * whole file, but minutes on a two-core machine shared with other runs.
 */
const PACK_TIMEOUT_MS = 300_000;
/** All of `beforeAll`: the pack, the TS app's compilation and two synths. */
const SETUP_TIMEOUT_MS = 2 * PACK_TIMEOUT_MS;

let scratch: string;
let app: string;
let packed: { filename: string; files: { path: string }[] };
type AppKind = 'js' | 'ts';
const synthesized: Partial<Record<AppKind, { template: Template; assembly: string }>> = {};

function synthesisOf(kind: AppKind) {
  const found = synthesized[kind];
  if (!found) throw new Error(`the ${kind} app was not synthesized`);
  return found;
}

const JS_APP = `import { App, Stack } from 'aws-cdk-lib';
import { JobsService } from 'partwise/cdk';
import { partwiseClient } from 'partwise/client';

if (typeof partwiseClient !== 'function') throw new Error('partwise/client exports no partwiseClient');
const app = new App({ outdir: process.argv[2] });
const stack = new Stack(app, 'Consumer');
new JobsService(stack, 'Jobs', { webApp: true });
app.synth();
`;

const TS_APP = `import { App, CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { JobsService, type JobsServiceProps } from 'partwise/cdk';

const app = new App({ outdir: process.argv[2] });
const stack = new Stack(app, 'Consumer');
const props: JobsServiceProps = { processorTimeout: Duration.minutes(10), bundleAwsSdk: true };
const jobs = new JobsService(stack, 'Jobs', props);
const processor: LambdaFunction = jobs.processorFunction;
new CfnOutput(stack, 'Url', { value: jobs.url });
new CfnOutput(stack, 'Processor', { value: processor.functionName });
app.synth();
`;

const TS_CONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    // The consumer's own settings; the package's .d.ts are checked like any other code.
    skipLibCheck: false,
    types: ['node'],
    outDir: 'out',
  },
  files: ['app.ts'],
};

async function linkFromCheckout(name: string): Promise<void> {
  const target = path.join(app, 'node_modules', name);
  await mkdir(path.dirname(target), { recursive: true });
  await symlink(path.join(PROJECT_ROOT, 'node_modules', name), target, 'dir');
}

async function synthesize(kind: AppKind, main: string): Promise<void> {
  const assembly = path.join(scratch, `cdk.out.${kind}`);
  await run(process.execPath, [main, assembly], { cwd: app, timeout: PACK_TIMEOUT_MS });
  const template = Template.fromJSON(
    JSON.parse(await readFile(path.join(assembly, 'Consumer.template.json'), 'utf8')),
  );
  synthesized[kind] = { template, assembly };
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'partwise-pack-'));
  // Prepare: the tarball, built by prepack.
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', scratch], {
    cwd: PROJECT_ROOT,
    timeout: PACK_TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024,
  });
  // npm prints the lifecycle scripts' output before the JSON, which starts on a line of its own.
  const [result] = JSON.parse(stdout.slice(stdout.search(/^\[$/m)));
  packed = result;

  app = path.join(scratch, 'app');
  const installed = path.join(app, 'node_modules', 'partwise');
  await mkdir(installed, { recursive: true });
  await run('tar', ['-xzf', path.join(scratch, packed.filename), '-C', installed, '--strip-components=1']);
  const manifest = JSON.parse(await readFile(path.join(installed, 'package.json'), 'utf8'));
  const links = [
    ...Object.keys(manifest.dependencies),
    ...Object.keys(manifest.peerDependencies),
    '@types/node',
  ];
  for (const name of links) await linkFromCheckout(name);
  await writeFile(
    path.join(app, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: { partwise: '0.1.0' } }),
  );

  // Act: a JS app, and a TS app compiled by tsc against the package's .d.ts.
  await writeFile(path.join(app, 'app.mjs'), JS_APP);
  await writeFile(path.join(app, 'app.ts'), TS_APP);
  await writeFile(path.join(app, 'tsconfig.json'), JSON.stringify(TS_CONFIG));
  await run(process.execPath, [path.join(PROJECT_ROOT, 'node_modules/typescript/bin/tsc'), '-p', app], {
    cwd: app,
    timeout: PACK_TIMEOUT_MS,
  });
  await synthesize('js', 'app.mjs');
  await synthesize('ts', path.join('out', 'app.js'));
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** The ten partwise functions of a template, by their spec's name, with their asset folders. */
function functionsOf(kind: AppKind) {
  const { template, assembly } = synthesisOf(kind);
  const resources = template.findResources('AWS::Lambda::Function');
  return Object.values(FUNCTION_SPECS).map((spec) => {
    const found = Object.values(resources).filter((r) => r.Properties.Description === spec.description);
    expect(found, spec.name).toHaveLength(1);
    const key: string = found[0]?.Properties.Code.S3Key;
    return {
      name: spec.name,
      properties: found[0]?.Properties,
      asset: path.join(assembly, `asset.${key.replace(/\.zip$/, '')}`),
    };
  });
}

describe('the packed package', () => {
  it('ships compiled JS with types and the prebuilt bundles, and no TypeScript sources', () => {
    const files = packed.files.map((f) => f.path);
    for (const file of [
      'dist/infra/jobs-service.js',
      'dist/infra/jobs-service.d.ts',
      'dist/shared/client/index.js',
      'dist/shared/client/index.d.ts',
      'dist/shared/cli/main.js',
      'shared/cli/partwise.mjs',
      'dist/assets/web/index.html',
    ]) {
      expect(files, file).toContain(file);
    }
    for (const { name } of Object.values(FUNCTION_SPECS)) {
      expect(files).toContain(`dist/assets/functions/${name}/index.mjs`);
      expect(files).toContain(`dist/assets/functions-with-aws-sdk/${name}/index.mjs`);
    }
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
  });

  it('declares aws-cdk-lib and constructs as peers, not as its own dependencies', async () => {
    const manifest = JSON.parse(await readFile(path.join(app, 'node_modules/partwise/package.json'), 'utf8'));
    expect(manifest.private).toBeUndefined();
    expect(Object.keys(manifest.peerDependencies).sort()).toEqual(['aws-cdk-lib', 'constructs']);
    expect(manifest.dependencies['aws-cdk-lib']).toBeUndefined();
    expect(manifest.dependencies.constructs).toBeUndefined();
  });

  it('synthesizes JobsService in a JS app: the ten functions, with the page', () => {
    const { template } = synthesisOf('js');
    // The ten, and CDK's handler that copies the page into its bucket.
    template.resourceCountIs('AWS::Lambda::Function', FUNCTION_KEYS.length + 1);
    template.resourceCountIs('AWS::CloudFront::Distribution', 1);
    template.resourceCountIs('AWS::DynamoDB::Table', 2);
    for (const { name, properties } of functionsOf('js')) {
      expect(properties.Handler, name).toBe('index.handler');
      expect(properties.Runtime, name).toBe('nodejs24.x');
    }
  });

  it("deploys the bundles it was packed with: each function's own handler, the AWS SDK left to the runtime", async () => {
    for (const { name, asset } of functionsOf('js')) {
      const bundle = await readFile(path.join(asset, 'index.mjs'), 'utf8');
      const map = JSON.parse(await readFile(path.join(asset, 'index.mjs.map'), 'utf8'));
      expect(bundle, name).toMatch(/export\s*\{[^}]*\bas handler\b/);
      expect(
        map.sources.some((s: string) => s.endsWith(`functions/${name}.ts`)),
        name,
      ).toBe(true);
      expect(
        map.sources.filter((s: string) => s.includes('node_modules/@aws-sdk/')),
        name,
      ).toEqual([]);
    }
    const api = functionsOf('js').find((f) => f.name === 'api');
    expect(existsSync(path.join(String(api?.asset), 'redoc.standalone.js'))).toBe(true);
  });

  it('deploys the page built when packed', () => {
    const { template, assembly } = synthesisOf('js');
    const deployment = Object.values(template.findResources('Custom::CDKBucketDeployment'))[0];
    const page = String(deployment?.Properties.SourceObjectKeys[0]).replace(/\.zip$/, '');
    return expect(readdir(path.join(assembly, `asset.${page}`)).then((f) => f.sort())).resolves.toEqual([
      'app.css',
      'app.js',
      'index.html',
    ]);
  });

  it('compiles a TS app against its types and synthesizes it, with the AWS SDK bundled when asked', async () => {
    const functions = functionsOf('ts');
    synthesisOf('ts').template.resourceCountIs('AWS::Lambda::Function', FUNCTION_KEYS.length);
    const processor = functions.find((f) => f.name === 'processor');
    expect(processor?.properties.Timeout).toBe(600);
    for (const { name, asset } of functions) {
      const map = JSON.parse(await readFile(path.join(asset, 'index.mjs.map'), 'utf8'));
      if (name === 'push-authorizer') continue; // verifies a token: no AWS SDK call at all
      expect(
        map.sources.some((s: string) => s.includes('node_modules/@aws-sdk/')),
        `${name} carries the SDK`,
      ).toBe(true);
    }
  });

  it('runs the partwise CLI from its bin', async () => {
    const { stdout } = await run(
      process.execPath,
      [path.join(app, 'node_modules/partwise/shared/cli/partwise.mjs'), '--help'],
      { cwd: app, timeout: 60_000 },
    );
    expect(stdout).toMatch(/Usage: partwise/);
  });
});
