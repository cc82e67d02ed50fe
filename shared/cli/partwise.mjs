#!/usr/bin/env node
// The `partwise` command (package.json "bin"): runs the TypeScript CLI through tsx.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { register } = await import('tsx/esm/api');
register();
const { main } = await import('./main.ts');
const code = await main(process.argv.slice(2));
// Open keep-alive sockets (an event stream's) must not hold the process: output is flushed.
process.exit(code);
