/**
 * `partwise`: the command line of the partwise API (commander). Each command is a few lines
 * here over jobs.ts, data.ts and upload.ts; where the server is comes from target.ts.
 * Exit codes: 0 done (a job COMPLETED), 1 a job FAILED or CANCELED or the server refused,
 * 2 a command used wrongly, 130 interrupted.
 */
import { Command, CommanderError, Option } from 'commander';
import { dataOf, partwiseClient } from '../client/index.js';
import { FORMATS } from '../formats/detect.js';
import { download, printRecords, tailEvents } from './data.js';
import {
  type Context,
  createJob,
  finish,
  follow,
  jobAction,
  jobStatus,
  listJobs,
  parseConfigPairs,
  resourceTypeOf,
  showJob,
} from './jobs.js';
import { adminClient, createKey, type KeysContext, listKeys, revokeKey, rotateKey, showKey } from './keys.js';
import { describeError, EXIT, outputFor, UsageError } from './output.js';
import { resolveAdminTarget, resolveTarget, type Target } from './target.js';
import { uploadPath } from './upload.js';

const collect = (value: string, all: string[]) => [...all, value];
const count = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new UsageError(`${name} must be a whole number ≥ 0, not "${value}".`);
  return n;
};

/** Runs the CLI on `argv` (without node and the script); resolves with the exit code. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let exitCode: number = EXIT.ok;
  let target: Target | undefined;
  const interrupt = new AbortController();
  const onSigint = () => interrupt.abort();
  process.once('SIGINT', onSigint);

  const program = new Command('partwise')
    .description('The partwise jobs service from the command line: upload files, run jobs, follow them live.')
    .option('--json', 'print machine-readable JSON (events and records: one JSON document a line)')
    .version('0.1.0')
    .exitOverride()
    .showSuggestionAfterError()
    .configureOutput({
      outputError: (text, write) =>
        write(`partwise: ${text.replace(/^error: /, '').trim()} (see partwise --help)\n`),
    })
    .addHelpText(
      'after',
      `
Where the server is: PARTWISE_URL and PARTWISE_API_KEY, else the config file
(PARTWISE_CONFIG, ~/.config/partwise/config.json: {"url", "apiKey"}), else the local
stack that npm start runs here (.partwise/stack.json).
Exit codes: 0 done, 1 the job failed or was canceled (or the server refused), 2 usage.`,
    );

  /** The context of an action: the client once the target is known, and the output mode. */
  const context = async (): Promise<Context & { url: string; apiKey: string }> => {
    target = await resolveTarget({ env, cwd: process.cwd() });
    return {
      client: partwiseClient({ url: target.url, apiKey: target.apiKey }),
      output: outputFor(Boolean(program.opts().json)),
      signal: interrupt.signal,
      url: target.url,
      apiKey: target.apiKey,
    };
  };
  const action =
    <A extends unknown[]>(
      run: (ctx: Context & { url: string; apiKey: string }, ...args: A) => Promise<number>,
    ) =>
    async (...args: A) => {
      exitCode = await run(await context(), ...args);
    };

  program
    .command('upload')
    .description('upload a file; prints its id')
    .argument('<file>', 'path of the file')
    .action(
      action(async (ctx, path: string) => {
        const file = await uploadPath(ctx.client, path);
        ctx.output.result(
          file,
          [file.id, file.name, file.size === undefined ? '' : `${file.size} bytes`, file.status]
            .filter(Boolean)
            .join(' '),
        );
        return EXIT.ok;
      }),
    );

  program
    .command('extract')
    .description('extract a file (a path, uploaded first, or a file id) into a workbook')
    .argument('<file>', 'path of a file, or file_… id')
    .option('--into <id>', 'the workbook or sheet to extract into (default: a new workbook)')
    .option('--config <key=value>', 'job config, repeatable (e.g. partSizeBytes=1048576)', collect, [])
    .option('--wait', 'follow the job to its end with live progress')
    .action(
      action(async (ctx, file: string, options: { into?: string; config: string[]; wait?: boolean }) => {
        const config = parseConfigPairs(options.config);
        const source = /^file_/.test(file) ? file : (await uploadPath(ctx.client, file)).id;
        if (source !== file) ctx.output.say(`uploaded ${file} as ${source}`);
        return createJob(
          ctx,
          {
            type: 'file',
            operation: 'extract',
            source,
            config,
            ...(options.into ? { destination: options.into } : {}),
          },
          Boolean(options.wait),
        );
      }),
    );

  program
    .command('map')
    .description("map a workbook's or sheet's records into another")
    .argument('<source>', 'the wb_… or sh_… to map from')
    .requiredOption('--into <id>', 'the wb_… or sh_… to map into')
    .option(
      '--config <key=value>',
      'job config, repeatable (default mappings=[{}]: one sheet into one)',
      collect,
      [],
    )
    .option('--wait', 'follow the job to its end with live progress')
    .action(
      action(async (ctx, source: string, options: { into: string; config: string[]; wait?: boolean }) => {
        const config = { mappings: [{}], ...parseConfigPairs(options.config) };
        return createJob(
          ctx,
          {
            type: resourceTypeOf(source, 'source'),
            operation: 'map',
            source,
            destination: options.into,
            config,
          },
          Boolean(options.wait),
        );
      }),
    );

  program
    .command('delete')
    .description("delete a sheet's records: all, the invalid ones, or by --config filter=…")
    .argument('<sheet>', 'the sh_… (or a wb_… with --sheet)')
    .option('--sheet <id>', "the workbook's sheet")
    .option('--invalid', 'only the invalid records')
    .option('--config <key=value>', 'job config, repeatable', collect, [])
    .option('--wait', 'follow the job to its end with live progress')
    .action(
      action(
        async (
          ctx,
          source: string,
          options: { sheet?: string; invalid?: boolean; config: string[]; wait?: boolean },
        ) => {
          const config = {
            ...(options.sheet ? { sheet: options.sheet } : {}),
            ...(options.invalid ? { filter: { valid: false } } : {}),
            ...parseConfigPairs(options.config),
          };
          return createJob(
            ctx,
            { type: resourceTypeOf(source, 'sheet'), operation: 'delete', source, config },
            Boolean(options.wait),
          );
        },
      ),
    );

  program
    .command('export')
    .description('export a sheet to a file, follow the job, and download the file')
    .argument('<sheet>', 'the sh_… (or a wb_… with --sheet)')
    .option('--sheet <id>', "the workbook's sheet")
    .addOption(new Option('--format <format>', 'file format').choices(FORMATS).default('csv'))
    .option('-o, --output <path>', 'where to write the file ("-" for stdout; default: its name, here)')
    .option('--config <key=value>', 'job config, repeatable (e.g. escapeFormulas=false)', collect, [])
    .action(
      action(
        async (
          ctx,
          source: string,
          options: { sheet?: string; format: string; output?: string; config: string[] },
        ) => {
          // Data on stdout: what people read goes to stderr.
          if (options.output === '-')
            ctx.output = outputFor(Boolean(program.opts().json), process.stdout, process.stderr);
          const config = {
            format: options.format,
            ...(options.sheet ? { sheet: options.sheet } : {}),
            ...parseConfigPairs(options.config),
          };
          const created = dataOf(
            await ctx.client.api.POST('/jobs', {
              body: {
                type: resourceTypeOf(source, 'sheet'),
                operation: 'export',
                source,
                config,
                trigger: 'immediate',
              },
            }),
            'POST /jobs',
          );
          ctx.output.say(`${created.id} export of ${source}`);
          const job = await follow(ctx, created.id);
          if (job.status !== 'COMPLETED' || !job.destination) return finish(ctx, job);
          const file = await ctx.client.api.GET('/files/{id}', { params: { path: { id: job.destination } } });
          const to = options.output ?? file.data?.data.name ?? `${job.destination}.${options.format}`;
          await download(ctx, job.destination, to);
          if (to !== '-')
            ctx.output.result({ job, file: file.data?.data, path: to }, `${job.id} COMPLETED: wrote ${to}`);
          return EXIT.ok;
        },
      ),
    );

  const jobs = program.command('jobs').description('list, read, start, stop and follow jobs');
  jobs
    .command('ls')
    .description('the newest jobs first')
    .option('--status <status>', 'only jobs in this status')
    .option('--limit <n>', 'how many', count('--limit'), 20)
    .action(
      action((ctx, options: { status?: string; limit: number }) =>
        listJobs(ctx, {
          limit: options.limit,
          ...(options.status ? { status: jobStatus(options.status) } : {}),
        }),
      ),
    );
  jobs
    .command('get')
    .argument('<job>')
    .action(action((ctx, id: string) => showJob(ctx, id)));
  jobs
    .command('wait')
    .description('follow a job to its end with live progress')
    .argument('<job>')
    .action(action(async (ctx, id: string) => finish(ctx, await follow(ctx, id))));
  for (const [name, what] of [
    ['execute', 'start a job that waits in PLANNING or READY'],
    ['retry', 'run again the parts of a FAILED job that did not finish'],
  ] as const) {
    jobs
      .command(name)
      .description(what)
      .argument('<job>')
      .option('--wait', 'follow the job to its end with live progress')
      .action(
        action((ctx, id: string, options: { wait?: boolean }) =>
          jobAction(ctx, name, id, Boolean(options.wait)),
        ),
      );
  }
  jobs
    .command('cancel')
    .argument('<job>')
    .action(action((ctx, id: string) => jobAction(ctx, 'cancel', id, false)));

  program
    .command('events')
    .description('events as they are published')
    .command('tail')
    .option('--job <id>', "only this job's events, until it ends")
    .option('--topic <topic>', 'only this topic (job:completed, …)')
    .action(
      action((ctx, options: { job?: string; topic?: string }) =>
        tailEvents(ctx, ctx.signal, {
          ...(options.job ? { jobId: options.job } : {}),
          ...(options.topic ? { topic: options.topic } : {}),
        }),
      ),
    );

  program
    .command('records')
    .description("a sheet's records to stdout")
    .argument('<sheet>', 'the sh_…')
    .option('--invalid', 'only the invalid records (CSV: with a messages column)')
    .addOption(new Option('--format <format>', 'output format').choices(['ndjson', 'csv']).default('ndjson'))
    .option('--limit <n>', 'at most this many', count('--limit'))
    .action(
      action((ctx, sheet: string, options: { invalid?: boolean; format: 'ndjson' | 'csv'; limit?: number }) =>
        printRecords(ctx, sheet, {
          invalid: Boolean(options.invalid),
          format: options.format,
          ...(options.limit === undefined ? {} : { limit: options.limit }),
        }),
      ),
    );

  /**
   * An admin command's context: the admin routes' client. A command that prints a new key
   * (`keyOnly`) writes it alone to stdout and its lines for people to stderr, so that
   * `KEY=$(partwise keys create …)` keeps the key and nothing else.
   */
  const adminAction =
    <A extends unknown[]>(run: (ctx: KeysContext, ...args: A) => Promise<number>, keyOnly = false) =>
    async (...args: A) => {
      const admin = await resolveAdminTarget({ env, cwd: process.cwd() });
      target = { url: admin.url, apiKey: '', from: admin.from };
      const json = Boolean(program.opts().json);
      const output = keyOnly ? outputFor(json, process.stdout, process.stderr) : outputFor(json);
      exitCode = await run({ client: await adminClient(admin, env), output }, ...args);
    };
  const keys = program
    .command('keys')
    .description(
      'API keys (administrators): create, list, rotate, revoke; IAM on AWS, the admin key locally',
    );
  keys
    .command('create')
    .description('create a key of an environment; prints the key, shown this once')
    .requiredOption('--env <environmentId>', 'the environment the key acts for (env_…)')
    .requiredOption('--name <name>', 'what the key is for')
    .option('--expires <time>', 'when it stops working (ISO 8601, e.g. 2027-01-31T00:00:00Z)')
    .option('--rate-limit <n>', 'requests a minute (default 600)', count('--rate-limit'))
    .action(
      adminAction(
        (ctx, options: { env: string; name: string; expires?: string; rateLimit?: number }) =>
          createKey(ctx, {
            environmentId: options.env,
            name: options.name,
            ...(options.expires ? { expiresAt: options.expires } : {}),
            ...(options.rateLimit === undefined ? {} : { rateLimitPerMinute: options.rateLimit }),
          }),
        true,
      ),
    );
  keys
    .command('ls')
    .description("an environment's keys: prefix, status, name (never a key)")
    .requiredOption('--env <environmentId>', 'the environment (env_…)')
    .action(adminAction((ctx, options: { env: string }) => listKeys(ctx, options.env)));
  keys
    .command('get')
    .argument('<key>', 'the key id (key_…)')
    .action(adminAction((ctx, id: string) => showKey(ctx, id)));
  keys
    .command('rotate')
    .description('a new key for the same environment; the old one works until the overlap ends')
    .argument('<key>', 'the key id (key_…)')
    .option('--overlap <seconds>', 'how long the old key keeps working (default 3600)', count('--overlap'))
    .action(
      adminAction(
        (ctx, id: string, options: { overlap?: number }) => rotateKey(ctx, id, options.overlap),
        true,
      ),
    );
  keys
    .command('revoke')
    .description('refuse a key from now on (within the authorizer cache TTL)')
    .argument('<key>', 'the key id (key_…)')
    .action(adminAction((ctx, id: string) => revokeKey(ctx, id)));

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version'
        ? EXIT.ok
        : EXIT.usage;
    }
    const { line, exitCode: code } = describeError(error, target?.url);
    process.stderr.write(`partwise: ${line}\n`);
    return code;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
