/**
 * Which partwise server the CLI talks to, and with which key, first match wins:
 * 1. `PARTWISE_URL` and `PARTWISE_API_KEY` (the e2e suite's names);
 * 2. a config file: `PARTWISE_CONFIG`, else `$XDG_CONFIG_HOME/partwise/config.json`
 *    (`~/.config/partwise/config.json`), holding `{"url": …, "apiKey": …}`;
 * 3. a running local stack: `.partwise/stack.json` in `PARTWISE_DATA_DIR` or in the working
 *    directory or one above it, which `npm start` writes (local-stack.ts).
 *
 * The admin commands (`partwise keys`, docs/cli.md) need no API key: the same URL, and
 * `PARTWISE_ADMIN_KEY` or the local stack's admin key, else AWS credentials (SigV4).
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { processRuns, readStackFile } from './local-stack.js';
import { UsageError } from './output.js';

export interface Target {
  url: string;
  apiKey: string;
  /** Where they came from, for messages: `PARTWISE_URL`, a config file, a local stack's file. */
  from: string;
  /** The local stack's admin key, when the target is a local stack. */
  adminKey?: string;
}

/** Where the admin routes are, and the admin key when there is one (else: IAM, SigV4). */
export interface AdminTarget {
  url: string;
  adminKey?: string;
  from: string;
}

/**
 * The server of the admin commands: PARTWISE_URL, else the config file's URL, else the local
 * stack's; the admin key PARTWISE_ADMIN_KEY, else the local stack's (none on AWS, where the
 * admin routes take an IAM-signed request).
 */
export async function resolveAdminTarget({ env, cwd }: TargetSources): Promise<AdminTarget> {
  const adminKey = env.PARTWISE_ADMIN_KEY || undefined;
  const withKey = (target: AdminTarget) => (adminKey ? { ...target, adminKey } : target);
  if (env.PARTWISE_URL)
    return withKey({ url: trimmed(env.PARTWISE_URL, 'PARTWISE_URL'), from: 'PARTWISE_URL' });
  const configured = await fromConfigFile(env);
  if (configured) return withKey({ url: configured.url, from: configured.from });
  const local = await fromLocalStack(env, cwd);
  if (local) {
    const key = adminKey ?? local.adminKey;
    return { url: local.url, from: local.from, ...(key ? { adminKey: key } : {}) };
  }
  throw new UsageError(
    'No partwise server to manage: set PARTWISE_URL (and PARTWISE_ADMIN_KEY, or AWS credentials for a deployment), or start the local stack here with npm start.',
  );
}

const ConfigFile = z.object({ url: z.string().url(), apiKey: z.string().min(1) }).strict();

export interface TargetSources {
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export async function resolveTarget({ env, cwd }: TargetSources): Promise<Target> {
  const url = env.PARTWISE_URL;
  const apiKey = env.PARTWISE_API_KEY;
  if (url && apiKey) return { url: trimmed(url, 'PARTWISE_URL'), apiKey, from: 'PARTWISE_URL' };
  if (url || apiKey) {
    throw new UsageError(
      `${url ? 'PARTWISE_URL' : 'PARTWISE_API_KEY'} is set but ${url ? 'PARTWISE_API_KEY' : 'PARTWISE_URL'} is not: set both, or neither to use a config file or the local stack.`,
    );
  }
  const configured = await fromConfigFile(env);
  if (configured) return configured;
  const local = await fromLocalStack(env, cwd);
  if (local) return local;
  throw new UsageError(
    'No partwise server to talk to: set PARTWISE_URL and PARTWISE_API_KEY, write ~/.config/partwise/config.json ({"url", "apiKey"}), or start the local stack here with npm start.',
  );
}

function trimmed(url: string, name: string): string {
  if (!URL.canParse(url)) throw new UsageError(`${name} is not a URL: "${url}".`);
  return url.replace(/\/+$/, '');
}

async function fromConfigFile(env: NodeJS.ProcessEnv): Promise<Target | undefined> {
  const named = env.PARTWISE_CONFIG;
  const file =
    named ?? join(env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config'), 'partwise', 'config.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !named) return undefined;
    throw new UsageError(
      `Cannot read the config file ${file} (PARTWISE_CONFIG): ${(error as Error).message}.`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UsageError(`${file} is not JSON: write {"url": "https://…", "apiKey": "…"}.`);
  }
  const parsed = ConfigFile.safeParse(json);
  if (!parsed.success) {
    throw new UsageError(
      `${file} must hold {"url": "https://…", "apiKey": "…"}: ${parsed.error.issues[0]?.path.join('.') || 'the object'} ${parsed.error.issues[0]?.message ?? ''}.`,
    );
  }
  return { url: trimmed(parsed.data.url, file), apiKey: parsed.data.apiKey, from: file };
}

/** `.partwise/` in PARTWISE_DATA_DIR, or the nearest one from the working directory up. */
async function fromLocalStack(env: NodeJS.ProcessEnv, cwd: string): Promise<Target | undefined> {
  const candidates = env.PARTWISE_DATA_DIR ? [resolve(cwd, env.PARTWISE_DATA_DIR)] : ancestors(cwd);
  for (const dataDir of candidates) {
    const stack = await readStackFile(dataDir).catch((error: Error) => {
      throw new UsageError(error.message);
    });
    if (!stack) continue;
    if (!processRuns(stack.pid)) {
      throw new UsageError(
        `The local stack that wrote ${join(dataDir, 'stack.json')} (pid ${stack.pid}) is not running: start it with npm start.`,
      );
    }
    return {
      url: stack.url,
      apiKey: stack.apiKey,
      from: join(dataDir, 'stack.json'),
      ...(stack.adminKey ? { adminKey: stack.adminKey } : {}),
    };
  }
  return undefined;
}

function ancestors(from: string): string[] {
  const dirs: string[] = [];
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    dirs.push(join(dir, '.partwise'));
    if (dirname(dir) === dir) return dirs;
  }
}
