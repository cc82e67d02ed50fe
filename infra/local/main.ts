/**
 * `npm start`: the local stack in one process. Configured by PORT, PARTWISE_DATA_DIR,
 * PARTWISE_API_KEY, PARTWISE_LOCAL_WORKERS, PARTWISE_LOCAL_VISIBILITY_TIMEOUT,
 * PARTWISE_LOCAL_AUTHORIZER_CACHE_SECONDS, PARTWISE_FAULTS, PARTWISE_WEBHOOKS and
 * PARTWISE_WEBHOOK_SECRET. Prints a
 * `PARTWISE_READY {json}` line for tools and tests.
 */
// Before the AWS SDK is first imported: Node 20 is what this stack supports.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { startLocalStack } = await import('./stack.js');

const stack = await startLocalStack().catch((error: unknown) => {
  console.error('[partwise:local] could not start:', error);
  process.exit(1);
});

console.log(`
partwise local stack is running at ${stack.url}
  API key  ${stack.apiKey}
  admin    the /admin routes and partwise keys take the admin key in ${stack.dataDir}/admin-key
  data     ${stack.dataDir}
  try      curl -H "Authorization: Bearer ${stack.apiKey}" ${stack.url}/jobs
Stop with Ctrl+C; data stays in the data directory.
`);
if (stack.webhooks) {
  const { urls, secret, secretFile } = stack.webhooks;
  console.log(`  webhooks ${urls.join(', ')}
  signed   partwise-signature, secret ${secret}${secretFile ? ` (kept in ${secretFile})` : ''}
`);
}
console.log(
  `PARTWISE_READY ${JSON.stringify({ url: stack.url, apiKey: stack.apiKey, adminKey: stack.adminKey })}`,
);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) {
      console.error('[partwise:local] stopping at once');
      process.exit(130);
    }
    stopping = true;
    console.log('[partwise:local] stopping (Ctrl+C again to force)…');
    stack.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('[partwise:local] stopping failed:', error);
        process.exit(1);
      },
    );
  });
}
