#!/usr/bin/env node
// The `partwise` command (package.json "bin"). In a checkout it runs the TypeScript CLI
// through tsx; the installed package has no sources, and runs the CLI `npm pack` compiled.
import { existsSync } from 'node:fs';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const fromSources = existsSync(new URL('./main.ts', import.meta.url));
if (fromSources) {
  const { register } = await import('tsx/esm/api');
  register();
}
const { main } = fromSources ? await import('./main.ts') : await import('../../dist/shared/cli/main.js');
const code = await main(process.argv.slice(2));
// Open keep-alive sockets (an event stream's) must not hold the process: output is flushed.
process.exit(code);
