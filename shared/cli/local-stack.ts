/**
 * `.partwise/stack.json`: where a running local stack says where it listens and with which
 * keys (the dev environment's API key, and the admin key), so that the `partwise` CLI finds it by itself. `npm start` writes it once the API
 * answers and removes it when it stops; a stack killed outright leaves it behind, and its
 * `pid` then names no process.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

export const STACK_FILE = 'stack.json';

const StackFile = z.object({
  url: z.string().url(),
  apiKey: z.string().min(1),
  /** The admin routes' credential on the local stack (docs/auth.md); absent in files of older stacks. */
  adminKey: z.string().min(1).optional(),
  pid: z.number().int(),
});
export type StackFile = z.infer<typeof StackFile>;

/** Writes the file (readable by its owner only: it holds the key); resolves with its remover. */
export async function writeStackFile(dataDir: string, stack: StackFile): Promise<() => Promise<void>> {
  const file = join(dataDir, STACK_FILE);
  await writeFile(file, `${JSON.stringify(stack, null, 2)}\n`, { mode: 0o600 });
  return () => rm(file, { force: true });
}

/** The stack the file describes; undefined when there is no file; an Error naming the file when it is not one. */
export async function readStackFile(dataDir: string): Promise<StackFile | undefined> {
  const file = join(dataDir, STACK_FILE);
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (text === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${file} is not JSON: remove it and start the local stack again (npm start).`);
  }
  const parsed = StackFile.safeParse(json);
  if (!parsed.success) {
    throw new Error(`${file} is not a stack file: remove it and start the local stack again (npm start).`);
  }
  return parsed.data;
}

/** Whether a process with this id runs (one of another user's counts). */
export function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
