import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { type PlanNode, type SecretResolver, type SinkNode, secretRefsIn } from '@pipekit/core';
import type { Logger } from 'pino';
import { asyncScheduler, merge, type SchedulerLike, Subject, share } from 'rxjs';
import { type LoopCheckpoint, QueryCheckpoint } from './checkpoint/query-checkpoint.js';
import { checkpointDirs } from './checkpoint/query-dirs.js';
import {
  type ConnectorRegistry,
  MemoryStore,
  type SinkWriter,
  type SourceBacklog,
  type SourceReader,
} from './connector.js';
import { defaultConnectors } from './connectors/builtins.js';
import { nodeErrors } from './driver/node-errors.js';
import { runTriggerLoop } from './driver/trigger-loop.js';
import { failureOf, nodeLabel } from './errors.js';
import type { Epoch } from './graph/batch.js';
import { buildGraph, type SinkStats } from './graph/build-graph.js';
import {
  type CompiledPipeline,
  compilePlan,
  type QueryPlan,
  type RunnablePipeline,
} from './graph/compile-plan.js';
import { createLogger } from './logging/logger.js';
import { BatchProgress } from './metrics/batch-progress.js';
import {
  type ExpectationProgress,
  expectationProgress,
  type RuleCounters,
  ruleCounters,
} from './metrics/expectation-metrics.js';
import { type MetricsListener, NodeMetrics } from './metrics/node-metrics.js';
import { FallingBehindWatch } from './progress/falling-behind.js';
import type { CircuitProgress } from './progress/query-progress.js';
import { deadLetterGroups, expectationSinkKey } from './quality/dead-letter-groups.js';
import {
  type CircuitBreaker,
  type CircuitBreakerOptions,
  defaultCircuitBreaker,
} from './retry/circuit-breaker.js';
import { type CircuitDeps, guardedWriter, sinkCircuit } from './retry/sink-circuits.js';
import type { MaybePromise } from './row.js';
import { rowCoercer } from './schema/coerce.js';
import { defaultSecrets } from './secrets/default-secrets.js';

export interface RunOptions {
  /** Source and sink factories; the built-ins when absent. */
  readonly connectors?: ConnectorRegistry;
  /** Time and timers (triggers, rates): RxJS's `asyncScheduler` by default, a virtual one in tests. */
  readonly scheduler?: SchedulerLike;
  /** Structured logs; warnings and errors to stderr when absent. */
  readonly logger?: Logger;
  /** Receivers of each batch's progress (TTY line, Prometheus, JSON lines). */
  readonly metrics?: readonly MetricsListener[];
  /** Stops the run gracefully: the batch in flight finishes, sinks flush, the result resolves. */
  readonly signal?: AbortSignal;
  /** Where memory sinks keep rows; a new store when absent (see `PipelineRun.memory`). */
  readonly memory?: MemoryStore;
  /** Where the console sink prints; process.stdout when absent. */
  readonly stdout?: NodeJS.WritableStream;
  /** How many batches checkpoints keep (Spark's `minBatchesToRetain`); 100 when absent. */
  readonly checkpointRetain?: number;
  /**
   * The circuit breaker of every sink: after `failureThreshold` failed writes in a row (of errors
   * the sink calls retryable) the query waits `coolDownMs` and tries the batch again, until it is
   * written or `maxOpenMs` has passed. Defaults: `defaultCircuitBreaker` (3, 5 s, no limit).
   */
  readonly sinkCircuit?: Partial<CircuitBreakerOptions>;
  /**
   * Reads the plan's secrets: every reference is loaded before the first batch (a missing one
   * fails the run at start) and re-read by a connector whose login is refused. Default:
   * `defaultSecrets()` (env, file, vault from `VAULT_*`).
   */
  readonly secrets?: SecretResolver;
}

export interface SinkResult {
  readonly queryId: string;
  readonly rowsWritten: number;
  /** Batches with rows written to the sink. */
  readonly batches: number;
  /** Times the sink's circuit breaker opened. */
  readonly circuitOpened: number;
}

export interface QueryResult {
  readonly id: string;
  /** Micro-batches run. */
  readonly batches: number;
  readonly stoppedBy: 'completed' | 'stopped';
}

export interface RunResult {
  readonly pipeline: string;
  /** `completed` when every query ran to its end, `stopped` when the signal ended one. */
  readonly stoppedBy: 'completed' | 'stopped';
  readonly queries: readonly QueryResult[];
  /** By sink node id. */
  readonly sinks: Readonly<Record<string, SinkResult>>;
  /** Records refused by any node, under any policy. */
  readonly badRecords: number;
  /** The most rows ever read from sources and not yet written by every sink. */
  readonly maxBufferedRows: number;
  /** Per-node counters at the end of the run. */
  readonly nodes: readonly NodeMetrics[];
  /** Per expectation rule: rows passed and failed over the run (`passed`/`failed`: the last batch). */
  readonly expectations: readonly ExpectationProgress[];
}

/** A pipeline being run. */
export interface PipelineRun {
  /** Resolves when the run ends; rejects with a `PipelineFailure` (or a `PipekitError` for a bad definition). */
  readonly result: Promise<RunResult>;
  /** The rows of memory sinks, by name. */
  readonly memory: MemoryStore;
  /** Stops gracefully, as the signal does. */
  stop(): void;
}

interface RunState {
  readonly compiled: CompiledPipeline;
  readonly secrets: SecretResolver;
  readonly options: RunOptions;
  readonly scheduler: SchedulerLike;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  readonly memory: MemoryStore;
  readonly metrics: Map<string, NodeMetrics>;
  /** The counters of each expect node's rules. */
  readonly expectations: ReadonlyMap<string, readonly RuleCounters[]>;
  readonly sinkStats: Map<string, SinkStats>;
  /** Every sink node's writer, once opened. */
  readonly writers: Map<string, SinkWriter>;
  /** Every sink node's circuit breaker. */
  readonly circuits: Map<string, CircuitBreaker>;
  /** Each checkpointed query's directory. */
  readonly checkpoints: ReadonlyMap<string, string>;
  buffered: number;
  maxBuffered: number;
}

interface Closable {
  close(): unknown;
}

async function closeAll(items: readonly Closable[], logger: Logger): Promise<void> {
  for (const c of items) {
    try {
      await c.close();
    } catch (e) {
      logger.error({ err: e }, 'closing a connector failed');
    }
  }
}

async function runQuery(q: QueryPlan, st: RunState, closables: Closable[]): Promise<QueryResult> {
  const { compiled, scheduler, logger, signal } = st;
  const registry = st.options.connectors ?? defaultConnectors();
  const readers = new Map<string, SourceReader>();
  const writers = new Map<string, SinkWriter>();
  const deadLetters = new Map<string, SinkWriter>();
  const checkpointDir = st.checkpoints.get(q.id) ?? null;
  const labelOf = (id: string) => {
    const n = compiled.info.get(id)?.node;
    return n ? nodeLabel(n) : id;
  };
  // Dead-letter sinks get a circuit breaker too: a failing one holds the batch, as a sink does.
  const guarded = (label: string, w: SinkWriter) =>
    guardedWriter(
      w,
      sinkCircuit(circuitDeps(st), q.id, label, () => w),
    );
  const sinkCtx = (nodeId: string, outputMode: SinkNode['outputMode']) => ({
    nodeId,
    nodeName: labelOf(nodeId),
    queryId: q.id,
    checkpoint: checkpointDir,
    outputMode,
    scheduler,
    logger: logger.child({ node: labelOf(nodeId) }),
    memory: st.memory,
    stdout: st.options.stdout ?? process.stdout,
    secrets: st.secrets,
  });
  const named = <T>(n: PlanNode, make: () => MaybePromise<T>): Promise<T> =>
    Promise.resolve()
      .then(make)
      .catch((e: unknown) => {
        throw failureOf(compiled.plan.name, n, e);
      });
  for (const s of q.sources) {
    const reader = await named(s, () =>
      registry.source(s.source.type)(s.source as never, {
        nodeId: s.id,
        nodeName: labelOf(s.id),
        schema: s.schema,
        toRow: rowCoercer(s.schema, s.id),
        scheduler,
        logger: logger.child({ node: labelOf(s.id) }),
        signal,
        secrets: st.secrets,
      }),
    );
    closables.push(reader);
    readers.set(s.id, reader);
  }
  for (const k of q.sinks) {
    const writer = await named(k, () =>
      registry.sink(k.sink.type)(k.sink as never, sinkCtx(k.id, k.outputMode)),
    );
    closables.push(writer);
    writers.set(k.id, writer);
    st.writers.set(k.id, writer);
  }
  for (const n of q.nodes) {
    const own = n.kind === 'source' || n.kind === 'map' ? n.badRecords : undefined;
    const policy = own ?? compiled.plan.policies.badRecords;
    const key = own ? n.id : '';
    if (
      (n.kind === 'source' || n.kind === 'map') &&
      policy.type === 'deadLetter' &&
      !deadLetters.has(key)
    ) {
      const w = await registry.sink(policy.sink.type)(
        policy.sink as never,
        sinkCtx(`${key || compiled.plan.name}.deadLetter`, 'append'),
      );
      closables.push(w);
      deadLetters.set(key, guarded(`${key || compiled.plan.name}.deadLetter`, w));
    }
    // Expectations: a writer per dead-letter sink of an expect step.
    if (n.kind === 'expect')
      for (const g of deadLetterGroups(n.rules)) {
        const w = await registry.sink(g.sink.type)(
          g.sink as never,
          sinkCtx(`${n.id}.expect.deadLetter.${g.index}`, 'append'),
        );
        closables.push(w);
        deadLetters.set(
          expectationSinkKey(n.id, g.index),
          guarded(`${n.id}.expect.deadLetter.${g.index}`, w),
        );
      }
    // Late rows of streaming stateful nodes: their own late policy or the pipeline's.
    const ownLate = n.kind === 'aggregate' || n.kind === 'dedupe' ? n.late : undefined;
    const late = ownLate ?? compiled.plan.policies.late;
    const lateKey = `late:${ownLate ? n.id : ''}`;
    if (q.operators.has(n.id) && late.type === 'deadLetter' && !deadLetters.has(lateKey)) {
      const w = await registry.sink(late.sink.type)(
        late.sink as never,
        sinkCtx(`${ownLate ? n.id : compiled.plan.name}.late.deadLetter`, 'append'),
      );
      closables.push(w);
      deadLetters.set(
        lateKey,
        guarded(`${ownLate ? n.id : compiled.plan.name}.late.deadLetter`, w),
      );
    }
  }

  const circuits = sinkCircuits(q, st);
  const epochs = new Subject<Epoch>();
  let inFlight = 0;
  const clock = { now: scheduler.now() };
  // Without a checkpoint a run cannot be replayed, so each run is a new query with a new id.
  let sinkQueryId: string = randomUUID();
  const sinks$ = buildGraph(
    {
      compiled,
      queryId: q.id,
      sinkQueryId: () => sinkQueryId,
      epochs,
      readers,
      writers,
      deadLetters,
      metrics: (id) => st.metrics.get(id)!,
      expectations: (id) => st.expectations.get(id) ?? [],
      sinkStats: (id) => st.sinkStats.get(id)!,
      circuit: (id) => circuits.get(id)!,
      logger,
      clock,
      onRead: (rows) => {
        inFlight += rows;
        st.buffered += rows;
        st.maxBuffered = Math.max(st.maxBuffered, st.buffered);
      },
    },
    q.nodes.map((n) => compiled.info.get(n.id)!),
    (o) => o.pipe(share()),
  );

  let pending: { remaining: number; resolve: () => void; reject: (e: unknown) => void } | null =
    null;
  let failure: { error: unknown } | null = null;
  const subscription = merge(...sinks$).subscribe({
    next: () => {
      if (pending && --pending.remaining === 0) pending.resolve();
    },
    error: (e: unknown) => {
      failure = { error: e };
      pending?.reject(e);
    },
  });
  const queryMetrics = q.nodes.map((n) => st.metrics.get(n.id)!);
  const batchProgress = new BatchProgress(
    compiled.plan.name,
    q,
    (id) => st.metrics.get(id)!,
    scheduler.now(),
  );
  const behind = new FallingBehindWatch();
  const queryRules = q.nodes.flatMap((n) => st.expectations.get(n.id) ?? []);
  const circuitProgress = (): CircuitProgress[] =>
    q.sinks.map((k) => {
      const c = circuits.get(k.id)!;
      return {
        node: k.id,
        name: labelOf(k.id),
        state: c.state,
        consecutiveFailures: c.consecutiveFailures,
        opened: c.opened,
      };
    });
  // The newest committed batch, for progress: recovered from the checkpoint, then each commit.
  let lastCommitted: number | null = null;
  const runBatch = async (epoch: Epoch) => {
    if (failure) throw failure.error;
    clock.now = epoch.time;
    for (const m of queryMetrics) m.resetBatch();
    for (const c of queryRules) c.resetBatch();
    const started = performance.now();
    await new Promise<void>((resolve, reject) => {
      pending = { remaining: sinks$.length, resolve, reject };
      epochs.next(epoch);
    });
    pending = null;
    // Event time: the batch's watermark becomes the late one; the next is computed from its rows.
    q.eventTime.endBatch(epoch.time);
    const numInputRows = inFlight;
    st.buffered -= inFlight;
    inFlight = 0;
    const durationMs = performance.now() - started;
    const backlogs = new Map<string, SourceBacklog | null>();
    for (const s of q.sources) {
      const range = epoch.reads.get(s.id);
      const reader = readers.get(s.id)!;
      const backlog = reader.backlog;
      // Progress only: a source that cannot tell its backlog now does not fail the batch.
      if (range && backlog)
        backlogs.set(s.id, await (async () => backlog.call(reader, range.end))().catch(() => null));
    }
    const progress = batchProgress.record({
      epoch,
      durationMs,
      numInputRows,
      bufferedRows: st.buffered,
      backlogs,
      now: scheduler.now(),
      ...(queryRules.length > 0 ? { expectations: queryRules.map(expectationProgress) } : {}),
      circuits: circuitProgress(),
      ...(checkpointDir === null
        ? {}
        : { checkpoint: { path: checkpointDir, lastCommittedBatchId: lastCommitted } }),
    });
    for (const w of behind.check(progress)) logger.child({ node: w.about }).warn(w.text);
    logger.debug(
      {
        queryId: q.id,
        batchId: epoch.batchId,
        rows: numInputRows,
        durationMs: progress.durationMs,
      },
      'batch done',
    );
    for (const l of st.options.metrics ?? []) l.onProgress(progress);
  };
  try {
    const opened = await openCheckpoint(q, st);
    if (opened) sinkQueryId = opened.metadata.id;
    const checkpoint: LoopCheckpoint | undefined = opened && {
      recover: async () => {
        const r = await opened.recover();
        // A replayed batch has the next id: either way the one before it is the last committed.
        lastCommitted = r.nextBatchId > 0 ? r.nextBatchId - 1 : null;
        return r;
      },
      started: (offsets) => opened.started(offsets),
      planned: (epoch, starts) => opened.planned(epoch, starts),
      committed: async (epoch) => {
        await opened.committed(epoch);
        lastCommitted = epoch.batchId;
      },
    };
    const r = await runTriggerLoop({
      trigger: q.trigger,
      // Errors of the loop's calls (offsets, planning, commits) name the source node too.
      sources: q.sources.map((s) => ({
        id: s.id,
        reader: nodeErrors(readers.get(s.id)!, (e) => failureOf(compiled.plan.name, s, e)),
      })),
      scheduler,
      signal,
      runBatch,
      wantsNoDataBatch: (time) => q.eventTime.wantsNoDataBatch(time),
      ...(checkpoint ? { checkpoint } : {}),
    });
    return { id: q.id, ...r };
  } finally {
    epochs.complete();
    subscription.unsubscribe();
  }
}

/** What the query's circuit breakers need from the run. */
function circuitDeps(st: RunState): CircuitDeps {
  return {
    pipeline: st.compiled.plan.name,
    options: { ...defaultCircuitBreaker, ...st.options.sinkCircuit },
    scheduler: st.scheduler,
    signal: st.signal,
    logger: st.logger,
    metrics: st.options.metrics ?? [],
  };
}

/** A circuit breaker per sink of the query. */
function sinkCircuits(q: QueryPlan, st: RunState): Map<string, CircuitBreaker> {
  const out = new Map<string, CircuitBreaker>();
  for (const k of q.sinks) {
    const breaker = sinkCircuit(circuitDeps(st), q.id, k.id, () => st.writers.get(k.id));
    out.set(k.id, breaker);
    st.circuits.set(k.id, breaker);
  }
  return out;
}

/** Opens the query's checkpoint directory, when its sinks name one. */
async function openCheckpoint(q: QueryPlan, st: RunState): Promise<QueryCheckpoint | undefined> {
  const dir = st.checkpoints.get(q.id);
  if (dir === undefined) return undefined;
  const cp = await QueryCheckpoint.open({
    dir,
    queryId: q.id,
    pipeline: st.compiled.plan.name,
    sources: q.sources.map((s) => s.id),
    sinks: q.sinks.map((s) => s.id),
    stateful: () => q.stateful,
    unsavedState: q.nodes
      .filter((n) => ['aggregate', 'dedupe', 'join'].includes(n.kind))
      // A stream–static join keeps nothing across batches: it reads its static side again.
      .filter((n) => !(n.kind === 'join' && n.lookup && !st.compiled.info.get(n.left)!.bounded))
      .map((n) => n.id)
      .filter((id) => !q.stateful.some((s) => s.stateId === id)),
    watermark: () => q.eventTime.watermark,
    now: st.scheduler.now(),
    ...(st.options.checkpointRetain === undefined ? {} : { retain: st.options.checkpointRetain }),
  });
  st.logger.debug({ queryId: q.id, checkpoint: dir, id: cp.metadata.id }, 'checkpoint opened');
  return cp;
}

/**
 * Runs a pipeline's plan: every query (sinks sharing steps) in its own micro-batch loop, batches
 * flowing through an RxJS graph compiled once from the plan. The plan is checked first
 * (`compilePlan`): a node kind the runtime cannot run yet is an error before anything runs.
 *
 * @example
 * const run = runPipeline(pipeline, { signal: AbortSignal.timeout(60_000) });
 * const result = await run.result;
 * console.log(result.sinks, run.memory.get('out'));
 */
export function runPipeline(pipeline: RunnablePipeline, options: RunOptions = {}): PipelineRun {
  const memory = options.memory ?? new MemoryStore();
  const controller = new AbortController();
  const stop = () => controller.abort();
  options.signal?.addEventListener('abort', stop, { once: true });
  if (options.signal?.aborted) stop();
  const result = (async (): Promise<RunResult> => {
    const registry = options.connectors ?? defaultConnectors();
    const compiled = compilePlan(pipeline, registry);
    const checkpoints = checkpointDirs(compiled);
    const logger = (options.logger ?? createLogger()).child({ pipeline: compiled.plan.name });
    const secrets = options.secrets ?? defaultSecrets();
    // Resolved once, before anything connects: a missing secret fails here, naming it.
    await secrets.load?.(secretRefsIn(compiled.plan));
    const st: RunState = {
      compiled,
      secrets,
      options: { ...options, connectors: registry },
      scheduler: options.scheduler ?? asyncScheduler,
      logger,
      signal: controller.signal,
      memory,
      metrics: new Map(
        compiled.plan.nodes.map((n) => [n.id, new NodeMetrics(n.id, n.kind, nodeLabel(n))]),
      ),
      expectations: ruleCounters(compiled.plan),
      sinkStats: new Map(
        compiled.plan.nodes
          .filter((n) => n.kind === 'sink')
          .map((n) => [n.id, { rowsWritten: 0, batches: 0 }]),
      ),
      writers: new Map(),
      circuits: new Map(),
      checkpoints,
      buffered: 0,
      maxBuffered: 0,
    };
    const closables: Closable[] = [];
    let queries: QueryResult[];
    try {
      queries = await Promise.all(
        compiled.queries.map((q) =>
          runQuery(q, st, closables).catch((e: unknown) => {
            controller.abort();
            throw e;
          }),
        ),
      );
    } finally {
      await closeAll(closables, logger);
      for (const l of options.metrics ?? []) await l.close?.();
      options.signal?.removeEventListener('abort', stop);
    }
    const sinks: Record<string, SinkResult> = {};
    for (const q of compiled.queries)
      for (const s of q.sinks)
        sinks[s.id] = {
          queryId: q.id,
          ...st.sinkStats.get(s.id)!,
          circuitOpened: st.circuits.get(s.id)?.opened ?? 0,
        };
    const nodes = [...st.metrics.values()];
    return {
      pipeline: compiled.plan.name,
      stoppedBy: queries.some((q) => q.stoppedBy === 'stopped') ? 'stopped' : 'completed',
      queries,
      sinks,
      badRecords: nodes.reduce((a, m) => a + m.badRecords, 0),
      maxBufferedRows: st.maxBuffered,
      nodes,
      expectations: [...st.expectations.values()].flat().map(expectationProgress),
    };
  })();
  return { result, memory, stop };
}
