/**
 * A bench run in a process of its own (a fresh local stack, fresh configuration): the script
 * with this process's own node flags (`--import tsx`, `--conditions=partwise-source`), quiet
 * logs, and the JSON it prints on its last line read back.
 */
import { execFileSync } from 'node:child_process';

export function benchChild<T>(
  script: string,
  args: string[],
  env: Record<string, string | undefined> = {},
  base: NodeJS.ProcessEnv = process.env,
): T {
  const output = execFileSync(process.execPath, [...process.execArgv, script, ...args], {
    env: {
      ...base,
      ...env,
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 << 20,
  });
  return JSON.parse(output.trim().split('\n').at(-1) ?? 'null') as T;
}
