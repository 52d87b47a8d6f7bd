import { createRequire } from 'node:module';
import { resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PipekitError, type Plan, type SecretProvider } from '@pipekit/core';
import {
  createLogger,
  defaultConnectors,
  defaultSecrets,
  JsonLinesMetrics,
  loadConnectorPackages,
  type MetricsListener,
  ProgressLine,
  PrometheusMetrics,
  type RunResult,
  runPipeline,
} from '@pipekit/runtime';
import { loadPipelines, withOnceTriggers } from '../load-pipeline.js';
import { graphJson, pipelineGraph } from '../ui/graph.js';
import { openUi, type UiAddress } from '../ui/open-ui.js';
import type { UiServer } from '../ui/ui-server.js';
import { sinkTarget } from './sink-target.js';

export interface RunCommandOptions {
  readonly once: boolean;
  readonly json: boolean;
  readonly metricsPort: number | undefined;
  readonly logLevel: string;
  /** `--sink-wait`: fail when a sink's circuit stays open this long (ms); wait forever when absent. */
  readonly sinkWaitMs?: number | undefined;
  /** `--secrets`: a module exporting `secretProviders`, added to env, file and vault. */
  readonly secretsModule?: string | undefined;
  /** `--ui`: serve the live UI there while the pipelines run. */
  readonly ui?: UiAddress | undefined;
}

/** The providers a `--secrets` module exports (`secretProviders`, or its default export). */
async function secretProvidersOf(module: string | undefined): Promise<SecretProvider[]> {
  if (module === undefined) return [];
  const mod = (await import(pathToFileURL(resolvePath(module)).href)) as {
    secretProviders?: unknown;
    default?: unknown;
  };
  const list = mod.secretProviders ?? mod.default;
  const ok =
    Array.isArray(list) &&
    list.every(
      (p) =>
        typeof p === 'object' &&
        p !== null &&
        typeof (p as SecretProvider).name === 'string' &&
        typeof (p as SecretProvider).read === 'function',
    );
  if (!ok)
    throw new PipekitError(
      `--secrets ${module}: export secretProviders, an array of { name, read(ref) } (SecretProvider from @pipekit/core)`,
    );
  return list as SecretProvider[];
}

export interface RunIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WriteStream;
  /** Aborted on the first SIGINT/SIGTERM. */
  readonly signal: AbortSignal;
}

/** Imports a connector package as the user's project resolves it, else as the CLI does. */
function importerFor(file: string) {
  const require = createRequire(file);
  return async (pkg: string): Promise<unknown> => {
    try {
      return await import(pathToFileURL(require.resolve(pkg)).href);
    } catch {
      return import(pkg);
    }
  };
}

/** One line per expectation rule: `  expect_1 notNull(userId): 998 passed, 2 failed (drop)`. */
function expectationSummary(r: RunResult): string {
  return r.expectations
    .map(
      (e) =>
        `  ${e.node} ${e.rule}: ${e.totalPassed.toLocaleString('en-US')} passed, ${e.totalFailed.toLocaleString('en-US')} failed (${e.onFailure})\n`,
    )
    .join('');
}

function summary(r: RunResult, plan: Plan, seconds: number): string {
  const sinks = Object.entries(r.sinks)
    .map(
      ([id, s]) =>
        `  ${id}: ${s.rowsWritten.toLocaleString('en-US')} rows in ${s.batches} batch${s.batches === 1 ? '' : 'es'}${sinkTarget(plan, id)}`,
    )
    .join('\n');
  const batches = r.queries.reduce((a, q) => a + q.batches, 0);
  const read = r.nodes.filter((n) => n.kind === 'source').reduce((a, n) => a + n.rowsIn, 0);
  return `pipeline '${r.pipeline}' ${r.stoppedBy} in ${seconds.toFixed(1)} s: ${read.toLocaleString('en-US')} rows read, ${batches} micro-batch${batches === 1 ? '' : 'es'}, ${r.badRecords} bad record${r.badRecords === 1 ? '' : 's'}\n${sinks}\n${expectationSummary(r)}`;
}

/** How often progress goes to stderr as a JSON line when stderr is not a terminal. */
export const progressLogEveryMs = 30_000;

interface Ran {
  readonly r: RunResult;
  readonly plan: Plan;
  readonly seconds: number;
}

/** `pipe run <file> [--once] [--json] [--metrics-port N]`. */
export async function runCommand(file: string, o: RunCommandOptions, io: RunIo): Promise<number> {
  const { path, pipelines } = await loadPipelines(file);
  const providers = await secretProvidersOf(o.secretsModule);
  const ran = await startProgressOutputs(
    file,
    pipelines.map((p) => p.plan),
    o,
    io,
  );
  const { metrics, ui } = ran;
  // A person at a terminal reads one line a record; --json is for machines, logs included.
  const logger = createLogger({
    level: o.logLevel,
    format: o.json ? 'json' : 'human',
    out: io.stderr,
  });
  // One pipeline failing stops the others (their clients closed) before the error is printed,
  // so nothing they log comes after it.
  const stopAll = new AbortController();
  const signal = AbortSignal.any([io.signal, stopAll.signal]);
  try {
    const settled = await Promise.allSettled(
      pipelines.map(async (p) => {
        try {
          const registry = defaultConnectors();
          await loadConnectorPackages(p.plan, registry, importerFor(path));
          const started = performance.now();
          const run = runPipeline(
            { plan: o.once ? withOnceTriggers(p.plan) : p.plan, udfs: p.udfs },
            {
              connectors: registry,
              // One resolver per pipeline: its secrets are read once, at its start.
              secrets: defaultSecrets(providers),
              logger,
              metrics,
              signal,
              stdout: io.stdout,
              ...(o.sinkWaitMs === undefined ? {} : { sinkCircuit: { maxOpenMs: o.sinkWaitMs } }),
            },
          );
          const r = await run.result;
          return { r, plan: p.plan, seconds: (performance.now() - started) / 1000 };
        } catch (e) {
          stopAll.abort();
          throw e;
        }
      }),
    );
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed) {
      ui?.finish({
        state: 'failed',
        message: (failed.reason as Error)?.message ?? String(failed.reason),
      });
      throw failed.reason;
    }
    const results = settled.map((s) => (s as PromiseFulfilledResult<Ran>).value);
    ui?.finish({
      state: results.some(({ r }) => r.stoppedBy === 'stopped') ? 'stopped' : 'completed',
    });
    for (const { r, plan, seconds } of results) {
      if (o.json)
        io.stdout.write(
          `${JSON.stringify({ type: 'summary', ...r, nodes: undefined, seconds })}\n`,
        );
      else io.stdout.write(summary(r, plan, seconds));
    }
    return 0;
  } finally {
    await ran.close();
  }
}

/** Where a run's progress goes, and how to close it all. */
export interface ProgressOutputs {
  readonly metrics: MetricsListener[];
  readonly ui: UiServer | undefined;
  close(): Promise<void>;
}

/**
 * The progress outputs of `pipe run` (either engine): the TTY line or JSON lines, Prometheus with
 * `--metrics-port`, the live UI with `--ui`. With `--json` each pipeline's graph goes first.
 */
export async function startProgressOutputs(
  file: string,
  plans: readonly Plan[],
  o: RunCommandOptions,
  io: RunIo,
  offTerminal: 'json' | 'none' = 'json',
): Promise<ProgressOutputs> {
  const metrics: MetricsListener[] = [];
  if (o.json) {
    for (const p of plans) io.stdout.write(graphJson(pipelineGraph(p)));
    metrics.push(new JsonLinesMetrics(io.stdout));
  } else if (io.stderr.isTTY) metrics.push(new ProgressLine(io.stderr));
  // Off a terminal (a service's log): the same record as a JSON line every so often.
  else if (offTerminal === 'json')
    metrics.push(new JsonLinesMetrics(io.stderr, progressLogEveryMs));
  let prom: PrometheusMetrics | undefined;
  let ui: UiServer | undefined;
  try {
    if (o.metricsPort !== undefined) {
      prom = new PrometheusMetrics();
      const port = await prom.listen(o.metricsPort);
      io.stderr.write(`metrics: http://127.0.0.1:${port}/metrics\n`);
      metrics.push(prom);
    }
    if (o.ui !== undefined) {
      ui = await openUi(plans.map(pipelineGraph), o.ui, { title: file }, io.stderr);
      metrics.push(ui);
    }
  } catch (e) {
    await prom?.close();
    throw e;
  }
  return {
    metrics,
    ui,
    close: async () => {
      for (const m of metrics) await m.close?.();
      await ui?.stop();
    },
  };
}
