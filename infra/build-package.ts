/**
 * `npm run build`, which `npm pack` and `npm publish` run first (`prepack`): the package as
 * an infra team installs it, in `dist/`.
 *
 * - `dist/infra`, `dist/shared`: the construct, the client and the CLI compiled by tsc
 *   (tsconfig.build.json), `.js` with `.d.ts`, for `partwise/cdk`, `partwise/client` and
 *   `partwise/cli`.
 * - `dist/assets`: the ten functions bundled (with and without the AWS SDK, for the
 *   `bundleAwsSdk` prop) and the page built, by the same code a checkout runs at synth
 *   (infra/bundling.ts, infra/web-assets.ts). The installed construct deploys these, so a
 *   consumer's synth needs no esbuild and no partwise sources (infra/functions.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import {
  bundleFunctionSync,
  FUNCTION_NAMES,
  PREBUILT_WEB,
  PROJECT_ROOT,
  prebuiltFunction,
} from './bundling.js';
import { writeWebAssets } from './web-assets.js';

const DIST = path.join(PROJECT_ROOT, 'dist');

rmSync(DIST, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', path.join(PROJECT_ROOT, 'tsconfig.build.json')], {
  cwd: PROJECT_ROOT,
  stdio: 'inherit',
});

for (const bundleAwsSdk of [false, true]) {
  for (const name of FUNCTION_NAMES) {
    const folder = prebuiltFunction(name, bundleAwsSdk);
    mkdirSync(folder, { recursive: true });
    bundleFunctionSync(name, folder, { bundleAwsSdk });
  }
}
mkdirSync(PREBUILT_WEB, { recursive: true });
await writeWebAssets(PREBUILT_WEB);
