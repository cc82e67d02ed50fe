/**
 * The page's files for the static site: `buildWeb()` (web/build.ts, the same build the local
 * stack serves) written into a folder. The construct runs this file at synth time as the
 * local bundling of the site's asset (infra/site.ts): `node --import tsx infra/web-assets.ts
 * <folder>`. esbuild is local; nothing is downloaded.
 */
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROJECT_ROOT } from './bundling.js';

const THIS_FILE = fileURLToPath(import.meta.url);

/** Writes `index.html`, `app.css` and `app.js` into `folder`; returns their names. */
export async function writeWebAssets(folder: string): Promise<string[]> {
  // Loaded here: the page's build needs esbuild, which the installed package does without.
  const { buildWeb } = await import('../web/build.js');
  const assets = await buildWeb();
  for (const [name, asset] of assets) await writeFile(path.join(folder, name), asset.body);
  return [...assets.keys()];
}

/**
 * The same, for code that cannot wait (a CDK asset's local bundling is synchronous): in a
 * child process, which throws when the build fails.
 */
export function writeWebAssetsSync(folder: string): void {
  execFileSync(process.execPath, ['--import', 'tsx', THIS_FILE, folder], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === THIS_FILE) {
  const folder = process.argv[2];
  if (!folder) throw new Error('usage: node --import tsx infra/web-assets.ts <folder>');
  await writeWebAssets(folder);
}
