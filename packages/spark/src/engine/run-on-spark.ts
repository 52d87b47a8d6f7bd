import { type Plan, type PlanNode, secretRefsIn } from '@pipekit/core';
import { defaultSecrets, formatTable, type MetricsListener, type Row } from '@pipekit/runtime';
import { defaultRemote } from '../connect/remote.js';
import type { SecretResolver } from '../lower/secrets.js';
import { SparkSession } from '../session/spark-session.js';
import type { StreamingQuery } from '../session/streaming-query.js';
import { withJdbcBounds } from './jdbc-bounds.js';
import { queryNodes, toQueryProgress } from './progress.js';
import { planForSpark } from './spark-plan.js';

export interface SparkLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface SparkRunOptions {
  /** The Spark Connect server: `sc://host:port`; `PIPEKIT_SPARK_REMOTE`, else the local one. */
  readonly remote?: string;
  readonly logger?: SparkLogger;
  /** Receivers of each micro-batch's progress, as with the local runtime. */
  readonly metrics?: readonly MetricsListener[];
  /** Stops the run: streaming queries are stopped, the result resolves. */
  readonly signal?: AbortSignal;
  /** How often progress is fetched from the server. */
  readonly pollMs?: number;
  readonly secrets?: SecretResolver;
  /** Where a console sink of a batch job prints (a streaming one prints on the server); stdout when absent. */
  readonly stdout?: NodeJS.WritableStream;
}

export interface SparkQueryResult {
  /** pipekit's name of the query; Spark's query name too. */
  readonly id: string;
  /** Spark's query id (it stays the same across restarts from one checkpoint). */
  readonly sparkId: string | null;
  readonly batches: number;
  readonly stoppedBy: 'completed' | 'stopped';
}

export interface SparkRunResult {
  readonly pipeline: string;
  readonly engine: 'spark';
  readonly remote: string;
  readonly stoppedBy: 'completed' | 'stopped';
  readonly queries: readonly SparkQueryResult[];
  /** By sink node id: rows Spark reported written (streaming), or null where it does not say (batch writes). */
  readonly sinks: Readonly<
    Record<
      string,
      { readonly queryId: string; readonly rowsWritten: number | null; readonly batches: number }
    >
  >;
  /** The rows of memory and console sinks, by the memory sink's name or the sink's id. */
  readonly memory: ReadonlyMap<string, readonly Row[]>;
}

export interface SparkRun {
  readonly result: Promise<SparkRunResult>;
  stop(): void;
}

interface RunningQuery {
  readonly id: string;
  readonly sinkId: string;
  readonly memoryName: string | null;
  readonly handle: StreamingQuery;
  /** The plan nodes this query runs, for its progress records. */
  readonly nodes: readonly PlanNode[];
  /** The sink's processing-time interval, drawn against each batch's duration. */
  readonly triggerMs: number | null;
  lastBatch: number;
  rowsWritten: number;
  batches: number;
  done: boolean;
  readonly totals: Map<string, { rowsIn: number; rowsOut: number }>;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });

/**
 * Runs a plan on Spark over Spark Connect: bounded pipelines as batch jobs, unbounded ones as
 * streaming queries (one per sink) polled for progress until they end or the signal stops them.
 * What Spark cannot run is refused before anything starts.
 */
export function runOnSpark(plan: Plan, options: SparkRunOptions = {}): SparkRun {
  const stopper = new AbortController();
  const signal = options.signal
    ? AbortSignal.any([options.signal, stopper.signal])
    : stopper.signal;
  const result = run(plan, options, signal);
  return { result, stop: () => stopper.abort() };
}

async function run(
  plan: Plan,
  options: SparkRunOptions,
  signal: AbortSignal,
): Promise<SparkRunResult> {
  const remote = options.remote ?? process.env.PIPEKIT_SPARK_REMOTE ?? defaultRemote;
  const secrets = options.secrets ?? defaultSecrets();
  // Read once, before anything connects (Vault answers asynchronously).
  await secrets.load?.(secretRefsIn(plan));
  planForSpark(plan, secrets); // refuses what Spark cannot run, before a connection is made
  const session = SparkSession.connect(remote);
  const pollMs = options.pollMs ?? 1000;
  const memory = new Map<string, Row[]>();
  const sinks: Record<string, { queryId: string; rowsWritten: number | null; batches: number }> =
    {};
  const queries: RunningQuery[] = [];
  try {
    const prepared = planForSpark(await withJdbcBounds(plan, session, secrets), secrets);
    for (const job of prepared.jobs) {
      if (job.kind === 'write') {
        await session.command(job.command);
        sinks[job.sink.id] = { queryId: plan.name, rowsWritten: null, batches: 1 };
      } else if (job.kind === 'collect') {
        const rows = await session.collect(job.relation);
        const s = job.sink.sink;
        memory.set(s.type === 'memory' ? s.name : job.sink.id, rows);
        if (s.type === 'console') {
          const schema = prepared.facts.get(job.sink.input)?.schema ?? null;
          const rule = '-------------------------------------------';
          (options.stdout ?? process.stdout).write(
            `${rule}\nBatch: 0\n${rule}\n${formatTable(rows, schema, s.numRows, s.truncate)}\n`,
          );
        }
        sinks[job.sink.id] = { queryId: plan.name, rowsWritten: rows.length, batches: 1 };
      }
    }
    for (const job of prepared.jobs) {
      if (job.kind !== 'stream') continue;
      const handle = await session.startStream(job.command);
      options.logger?.info(
        { query: job.queryName, sparkId: handle.id, runId: handle.runId },
        'Spark streaming query started',
      );
      const trigger = job.sink.trigger;
      queries.push({
        id: job.queryName,
        sinkId: job.sink.id,
        memoryName: job.sink.sink.type === 'memory' ? job.sink.sink.name : null,
        handle,
        nodes: queryNodes(job.sink, prepared.facts),
        triggerMs: trigger.type === 'processingTime' ? trigger.interval : null,
        lastBatch: -1,
        rowsWritten: 0,
        batches: 0,
        done: false,
        totals: new Map(),
      });
    }
    const report = async (q: RunningQuery) => {
      for (const p of await q.handle.recentProgress()) {
        if (p.batchId <= q.lastBatch) continue;
        q.lastBatch = p.batchId;
        q.batches++;
        q.rowsWritten += Math.max(0, p.sink.numOutputRows);
        const progress = toQueryProgress(p, plan.name, q.id, q.nodes, q.totals, q.triggerMs);
        for (const m of options.metrics ?? []) m.onProgress(progress);
      }
    };
    while (queries.some((q) => !q.done) && !signal.aborted) {
      await sleep(pollMs, signal);
      for (const q of queries) {
        if (q.done) continue;
        await report(q);
        const status = await q.handle.status();
        if (!status.isActive) {
          const error = await q.handle.exception();
          if (error) throw error;
          await report(q);
          q.done = true;
        }
      }
    }
    const stopped = queries.some((q) => !q.done);
    for (const q of queries) {
      if (!q.done) {
        await q.handle.stop();
        await report(q);
      }
      if (q.memoryName !== null)
        memory.set(q.memoryName, await session.query(`SELECT * FROM ${q.memoryName}`));
      sinks[q.sinkId] = { queryId: q.id, rowsWritten: q.rowsWritten, batches: q.batches };
    }
    return {
      pipeline: plan.name,
      engine: 'spark',
      remote,
      stoppedBy: stopped ? 'stopped' : 'completed',
      queries: [
        ...queries.map((q) => ({
          id: q.id,
          sparkId: q.handle.id,
          batches: q.batches,
          stoppedBy: q.done ? ('completed' as const) : ('stopped' as const),
        })),
      ],
      sinks,
      memory,
    };
  } catch (e) {
    for (const q of queries) await q.handle.stop().catch(() => {});
    throw e;
  } finally {
    for (const m of options.metrics ?? []) await m.close?.();
    await session.close();
  }
}
