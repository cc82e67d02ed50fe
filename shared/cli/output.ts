/**
 * How the CLI speaks: a progress bar and friendly lines on a terminal, plain lines when
 * stdout is a pipe or a file, one JSON document with `--json`. Errors are one line on
 * stderr, saying what to do, and set the exit code: 1 for a job that failed or was
 * canceled and anything the server refused, 2 for a command used wrongly.
 */
import { PartwiseApiError } from '../client/index.js';
import { EventFeedError } from '../events/errors.js';

export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/** A failure the CLI explains itself; `exitCode` 1 unless it is a usage error. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failed,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** The command was used wrongly (an argument, an option, the configuration): exit code 2. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT.usage);
    this.name = 'UsageError';
  }
}

export type OutputMode = 'tty' | 'plain' | 'json';

export interface Output {
  mode: OutputMode;
  /** Where lines for people and the progress bar go. */
  stream: NodeJS.WriteStream;
  /** A line for people (terminal and plain modes; nothing with --json). */
  say(line: string): void;
  /** The command's result: `json` with --json, otherwise `text` (one or more lines). */
  result(json: unknown, text: string | string[]): void;
  /** Raw bytes or text to stdout, as they are (records, a downloaded file). */
  write(chunk: string | Uint8Array): Promise<void>;
}

/**
 * The output for `--json` or not, on `stdout`; `messagesTo` takes the lines for people (and
 * the progress bar) instead, when stdout carries data (`export -o -`).
 */
export function outputFor(
  json: boolean,
  stdout: NodeJS.WriteStream = process.stdout,
  messagesTo: NodeJS.WriteStream = stdout,
): Output {
  const mode: OutputMode = json ? 'json' : messagesTo.isTTY ? 'tty' : 'plain';
  return {
    mode,
    stream: messagesTo,
    say(line) {
      if (mode !== 'json') messagesTo.write(`${line}\n`);
    },
    result(value, text) {
      if (mode === 'json') stdout.write(`${JSON.stringify(value, null, 2)}\n`);
      else messagesTo.write(`${[text].flat().join('\n')}\n`);
    },
    write(chunk) {
      return new Promise((resolve, reject) => {
        stdout.write(chunk, (error) => (error ? reject(error) : resolve()));
      });
    },
  };
}

/** The one line an error becomes, saying what to do about it. */
export function describeError(error: unknown, serverUrl?: string): { line: string; exitCode: number } {
  if (error instanceof CliError) return { line: error.message, exitCode: error.exitCode };
  if (error instanceof PartwiseApiError) return { line: apiErrorLine(error), exitCode: EXIT.failed };
  if (error instanceof EventFeedError) {
    const hint = error.status === 401 ? ': check the API key' : '';
    return { line: `${oneLine(error.message)}${hint}`, exitCode: EXIT.failed };
  }
  const unreachable = unreachableCause(error);
  if (unreachable) {
    return {
      line: `Cannot reach ${serverUrl ?? 'the server'} (${unreachable}): start the local stack with npm start, or check PARTWISE_URL.`,
      exitCode: EXIT.failed,
    };
  }
  return { line: oneLine(error instanceof Error ? error.message : String(error)), exitCode: EXIT.failed };
}

function apiErrorLine(error: PartwiseApiError): string {
  const problem = error.problem;
  const code = problem?.type?.replace(/^urn:partwise:problem:/, '');
  const pointers = (problem?.errors ?? [])
    .slice(0, 3)
    .map((e) => [e.pointer ?? e.parameter ?? e.header, e.detail].filter(Boolean).join(' '))
    .filter(Boolean);
  const detail = problem?.detail ?? problem?.title ?? 'no details';
  const hint =
    error.status === 401
      ? ' Check PARTWISE_API_KEY (or the key in your config file).'
      : error.status === 403
        ? ' This key may not do that.'
        : '';
  const where = pointers.length ? ` (${pointers.join('; ')})` : '';
  return oneLine(`${error.status}${code ? ` ${code}` : ''}: ${detail}${where}.${hint}`).replace(/\.\./g, '.');
}

/** Why fetch could not reach the server (ECONNREFUSED and friends, under its "fetch failed"). */
function unreachableCause(error: unknown): string | undefined {
  if (!(error instanceof TypeError && error.message === 'fetch failed')) return undefined;
  const names: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'host not found',
    ECONNRESET: 'connection reset',
    ETIMEDOUT: 'timed out',
    UND_ERR_CONNECT_TIMEOUT: 'timed out',
  };
  let innermost: unknown = error;
  for (let cause = error.cause; cause instanceof Error; cause = cause.cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code && names[code]) return names[code];
    innermost = cause;
  }
  return innermost instanceof Error && innermost !== error ? innermost.message : 'no answer';
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();
