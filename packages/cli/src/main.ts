import { parseArgs } from 'node:util';
import { parseDuration } from '@pipekit/core';
import { deltaCommand } from './commands/delta.js';
import { explainCommand } from './commands/explain.js';
import { runCommand } from './commands/run.js';
import { runOnSparkCommand } from './commands/run-spark.js';
import { schemaCommand } from './commands/schema.js';
import { engineOf, explainForSpark, validateForSpark } from './commands/spark-commands.js';
import { uiCommand } from './commands/ui.js';
import { validateCommand } from './commands/validate.js';
import { exitCodeOf, formatError, UsageError } from './errors.js';
import { defaultUiPort, uiAddress } from './ui/open-ui.js';

export const usage = `usage: pipe <command> [options]

commands:
  init [dir]                                          a new project: package.json, tsconfig, an
                                                      example pipeline and its test (npm create pipekit)
  run <file.ts> [--once] [--json] [--metrics-port N] [--sink-wait D]   run a pipeline until its sources end or it is stopped
      [--secrets module.js]                            (extra secret providers: env, file, vault built in)
      [--engine local|spark] [--remote sc://host:port] (on Spark: over Spark Connect)
      [--ui [--ui-port N] [--ui-host H]]              (with a live web page of the run)
  ui --from metrics.jsonl [file.ts] [--ui-port N]     the live page over a recorded run (pipe run --json)
  explain <file> [--format mermaid|json|svg] [-o out]  draw the pipeline's DAG
      [--engine spark [--format text|json]]            (Spark's plan of each query, or the relations)
  validate <file.ts|plan.json> [--engine spark]       check a pipeline and list its problems
  schema postgres --table T [--url U] [--password-env V]  print a table's zod schema
  delta show|optimize|vacuum|history <path>           a Delta table: print its rows, compact small
                                                      files, delete unreferenced files, list commits
  codegen <file|dir>... [-o out.ts | --out-dir dir] [--check]  legacy configs to pipeline code
                                                      (the same as pipe-codegen; see pipe codegen --help)

options:
  --once            run one batch of everything available, then stop
  --json            progress and the summary as JSON lines on stdout
  --metrics-port N  serve Prometheus metrics on http://127.0.0.1:N/metrics
  --ui              serve a live page of the run (DAG, rates, watermarks, state, batches)
  --ui-port N       the page's port (default ${defaultUiPort}; 0 = any free port)
  --ui-host H       serve the page on H instead of 127.0.0.1 (anyone who reaches H sees it)
  --from F          pipe ui: the recording (pipe run --json > F)
  --engine E        local (default: this process) or spark (a Spark Connect server)
  --remote URL      the Spark Connect server (default: PIPEKIT_SPARK_REMOTE or sc://127.0.0.1:15002)
  --sink-wait D     fail when a sink stays unreachable this long ('10 minutes'); default: wait
  --secrets M       a module exporting secretProviders (SecretProvider[]) to read secret.from(...)
  --log-level L     pino level for the logs on stderr (default warn; debug with --debug)
  --table T         the table to describe (schema.table allowed)
  --url U           postgres://user@host:port/db (default: PIPEKIT_PG_URL or DATABASE_URL)
  --password-env V  the variable holding the password (default PGPASSWORD)
  --retention-hours H  vacuum: keep files removed less than H hours ago (default: the table's)
  --dry-run         vacuum: list the files it would delete
  --limit N         delta show: rows to print (default 20)
  --version V       delta show: the table version to read (default: the latest)
  --debug           print stacks with errors
  -h, --help        this text

exit codes: 0 ok, 1 the pipeline failed while running, 2 wrong usage, file or plan
`;

export interface MainIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WriteStream;
}

const options = {
  once: { type: 'boolean' },
  engine: { type: 'string' },
  remote: { type: 'string' },
  json: { type: 'boolean' },
  'metrics-port': { type: 'string' },
  ui: { type: 'boolean' },
  'ui-port': { type: 'string' },
  'ui-host': { type: 'string' },
  from: { type: 'string' },
  'sink-wait': { type: 'string' },
  secrets: { type: 'string' },
  'log-level': { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string', short: 'o' },
  debug: { type: 'boolean' },
  table: { type: 'string' },
  url: { type: 'string' },
  'password-env': { type: 'string' },
  'retention-hours': { type: 'string' },
  'dry-run': { type: 'boolean' },
  limit: { type: 'string' },
  version: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const allowed: Record<string, readonly string[]> = {
  run: [
    'once',
    'json',
    'metrics-port',
    'sink-wait',
    'secrets',
    'log-level',
    'debug',
    'engine',
    'remote',
    'ui',
    'ui-port',
    'ui-host',
  ],
  ui: ['from', 'ui-port', 'ui-host', 'debug'],
  explain: ['format', 'out', 'debug', 'engine', 'remote'],
  validate: ['debug', 'log-level', 'engine'],
  schema: ['table', 'url', 'password-env', 'debug'],
  delta: ['retention-hours', 'dry-run', 'json', 'limit', 'version', 'debug'],
};

/** Stops gracefully on the first SIGINT/SIGTERM; exits at once on the second. */
function stopOnSignals(
  io: MainIo,
  doing = 'finishing the batch in flight and flushing sinks',
): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      io.stderr.write(`\npipe: ${name} again: exiting now\n`);
      process.exit(name === 'SIGINT' ? 130 : 143);
    }
    io.stderr.write(`\npipe: ${name}: ${doing} (send it again to exit now)\n`);
    controller.abort();
    timer = setTimeout(() => {
      io.stderr.write('pipe: could not stop within 10 s; exiting\n');
      process.exit(1);
    }, 10_000);
    timer.unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      if (timer) clearTimeout(timer);
    },
  };
}

/** The `pipe` command: returns the exit code (0 ok, 1 runtime failure, 2 usage or config error). */
export async function main(
  argv: readonly string[],
  io: MainIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  let debug = argv.includes('--debug');
  if (argv[0] === 'init') {
    // The scaffolding is create-pipekit's (`npm create pipekit` runs the same code).
    const { main: create } = await import('create-pipekit');
    return create(argv.slice(1), io.stdout, io.stderr);
  }
  if (argv[0] === 'codegen') {
    // pipe-codegen has its own options; it is loaded only for this command.
    const { runCli } = await import('@pipekit/codegen');
    return runCli(argv.slice(1), {
      stdout: (text) => io.stdout.write(text),
      stderr: (text) => io.stderr.write(text),
    });
  }
  try {
    let parsed: ReturnType<
      typeof parseArgs<{ args: string[]; options: typeof options; allowPositionals: true }>
    >;
    try {
      parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
    } catch (e) {
      throw new UsageError(
        `${(e as Error).message.replace(/\. To specify a positional.*/s, '')} (see pipe --help)`,
      );
    }
    const { values, positionals } = parsed;
    debug = values.debug ?? false;
    const [command, file, ...extra] = positionals;
    if (values.help || command === 'help') {
      io.stdout.write(usage);
      return 0;
    }
    if (!command) throw new UsageError(`no command given\n\n${usage}`);
    if (!(command in allowed))
      throw new UsageError(
        `unknown command '${command}' (commands: init, run, ui, explain, validate, schema, delta, codegen; see pipe --help)`,
      );
    const wrong = Object.keys(values).filter((k) => !allowed[command]!.includes(k));
    if (wrong.length > 0)
      throw new UsageError(
        `'pipe ${command}' takes no option ${wrong.map((w) => `--${w}`).join(', ')} (see pipe --help)`,
      );
    if (command === 'ui') {
      if (values.from === undefined)
        throw new UsageError(
          "'pipe ui' needs a recording: pipe ui --from metrics.jsonl (made by pipe run <file> --json > metrics.jsonl)",
        );
      if (extra.length > 0)
        throw new UsageError(
          `'pipe ui' takes at most the pipeline file, got also: ${extra.join(' ')}`,
        );
      const address = uiAddress(values['ui-port'], values['ui-host']);
      const stop = stopOnSignals(io, 'closing the page');
      try {
        return await uiCommand(values.from, file, address, { ...io, signal: stop.signal });
      } finally {
        stop.dispose();
      }
    }
    if (!file) throw new UsageError(`'pipe ${command}' needs a file: pipe ${command} <file>`);
    if (command === 'delta') {
      if (extra.length > 1)
        throw new UsageError(
          `'pipe delta' takes one table path, got also: ${extra.slice(1).join(' ')}`,
        );
      return await deltaCommand(
        file,
        extra[0],
        {
          retentionHours: values['retention-hours'],
          dryRun: values['dry-run'] ?? false,
          json: values.json ?? false,
          limit: values.limit,
          version: values.version,
        },
        io,
      );
    }
    if (extra.length > 0)
      throw new UsageError(`'pipe ${command}' takes one file, got also: ${extra.join(' ')}`);
    const logLevel = values['log-level'] ?? (debug ? 'debug' : 'warn');
    const engine = engineOf(values.engine);
    if (values.remote !== undefined && engine !== 'spark')
      throw new UsageError('--remote names a Spark Connect server: give --engine spark too');
    switch (command) {
      case 'explain':
        if (engine === 'spark')
          return await explainForSpark(
            file,
            { format: values.format ?? 'text', remote: values.remote },
            io,
          );
        return await explainCommand(
          file,
          { format: values.format ?? 'mermaid', out: values.out },
          io,
        );
      case 'validate':
        return engine === 'spark'
          ? await validateForSpark(file, io)
          : await validateCommand(file, io);
      case 'schema':
        return await schemaCommand(
          file,
          { table: values.table, url: values.url, passwordEnv: values['password-env'] },
          io,
        );
      default: {
        const portText = values['metrics-port'];
        const port = portText === undefined ? undefined : Number(portText);
        if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536))
          throw new UsageError(`--metrics-port needs a port number, got '${portText}'`);
        const waitText = values['sink-wait'];
        let sinkWaitMs: number | undefined;
        try {
          sinkWaitMs = waitText === undefined ? undefined : parseDuration(waitText);
        } catch (e) {
          throw new UsageError(
            `--sink-wait needs a duration such as '10 minutes': ${(e as Error).message}`,
          );
        }
        if (sinkWaitMs !== undefined && engine === 'spark')
          throw new UsageError(
            "--sink-wait sets how long the local engine's sink circuit breakers wait; Spark's sinks have none",
          );
        if (!values.ui && (values['ui-port'] !== undefined || values['ui-host'] !== undefined))
          throw new UsageError('--ui-port and --ui-host place the live page: give --ui too');
        const ui = values.ui ? uiAddress(values['ui-port'], values['ui-host']) : undefined;
        const stop = stopOnSignals(io);
        const runOptions = {
          ui,
          once: values.once ?? false,
          json: values.json ?? false,
          metricsPort: port,
          logLevel,
        };
        try {
          if (engine === 'spark')
            return await runOnSparkCommand(
              file,
              { ...runOptions, remote: values.remote },
              { ...io, signal: stop.signal },
            );
          return await runCommand(
            file,
            { ...runOptions, sinkWaitMs, secretsModule: values.secrets },
            { ...io, signal: stop.signal },
          );
        } finally {
          stop.dispose();
        }
      }
    }
  } catch (e) {
    io.stderr.write(formatError(e, debug));
    return exitCodeOf(e);
  }
}
