import {
  isBoundedSource,
  PipekitError,
  type Plan,
  type PlanNode,
  type SinkNode,
  type SinkType,
  type SourceNode,
  type SourceType,
} from '@pipekit/core';
import {
  ConnectorRegistry,
  defaultConnectors,
  type QueryProgress,
  type Row,
  type RunnablePipeline,
  runPipeline,
  VirtualClock,
} from '@pipekit/runtime';
import { type Captured, CaptureWriter, finalRows } from './capture-sink.js';
import { InputReader } from './input-reader.js';

export interface TestPipelineOptions {
  /**
   * Rows for sources, by source node id or name (`.as(name)`): batch i of every input is read in
   * micro-batch i. A source without input runs as it is (a generate, memory or file source).
   */
  readonly inputs?: Readonly<Record<string, readonly (readonly Row[])[]>>;
  /** Processing time between micro-batches (ms): 1 second when absent. */
  readonly batchInterval?: number;
  /** The virtual clock's start (epoch ms): 2026-01-01T00:00:00Z when absent. */
  readonly startTime?: number;
  /**
   * How many micro-batches to run at most: the longest input when absent (a query whose sources
   * all end stops by itself after its last batch).
   */
  readonly batches?: number;
}

/** One micro-batch as the sinks saw it. */
export interface TestBatch {
  readonly batchId: number;
  /** The batch's processing time (epoch ms, virtual). */
  readonly time: number;
  /**
   * The event-time watermark in effect during the batch (epoch ms), as Spark's progress reports
   * it: computed from the batches before; null without a watermark.
   */
  readonly watermark: number | null;
  /** The rows each sink received in this batch ([] when none), by sink key. */
  readonly sinks: Readonly<Record<string, readonly Row[]>>;
}

export interface TestResult {
  readonly batches: readonly TestBatch[];
  /**
   * What each sink holds in the end, by sink key: a memory sink's `name`, otherwise its node id;
   * dead-letter sinks as `<node>.deadLetter`. All rows in append and update mode, the last result
   * in complete mode.
   */
  readonly sinks: Readonly<Record<string, readonly Row[]>>;
}

/** The key a sink's rows are returned under. */
function sinkKey(n: SinkNode): string {
  return n.sink.type === 'memory' ? n.sink.name : n.id;
}

/** Every sink type the plan writes to, dead-letter sinks included. */
function sinkTypes(plan: Plan): Set<SinkType> {
  const types = new Set<SinkType>();
  const policies = [plan.policies.badRecords];
  for (const n of plan.nodes) {
    if (n.kind === 'sink') types.add(n.sink.type);
    if ((n.kind === 'source' || n.kind === 'map') && n.badRecords) policies.push(n.badRecords);
  }
  for (const p of policies) if (p.type === 'deadLetter') types.add(p.sink.type);
  return types;
}

/** The input of each source node, checking every input names a source. */
function inputsBySource(
  plan: Plan,
  inputs: Readonly<Record<string, readonly (readonly Row[])[]>>,
): Map<string, readonly (readonly Row[])[]> {
  const sources = plan.nodes.filter((n): n is SourceNode => n.kind === 'source');
  const out = new Map<string, readonly (readonly Row[])[]>();
  for (const [key, batches] of Object.entries(inputs)) {
    const node = sources.find((s) => s.id === key) ?? sources.find((s) => s.name === key);
    if (!node)
      throw new PipekitError('testPipeline: an input names no source', [
        {
          path: ['inputs', key],
          message: `the pipeline's sources are ${sources.map((s) => (s.name ? `${s.id} (${s.name})` : s.id)).join(', ')}`,
        },
      ]);
    out.set(node.id, batches);
  }
  return out;
}

/** Every sink gets a micro-batch per interval of virtual time. */
function withIntervalTriggers(plan: Plan, interval: number): Plan {
  return {
    ...plan,
    nodes: plan.nodes.map(
      (n): PlanNode =>
        n.kind === 'sink' ? { ...n, trigger: { type: 'processingTime', interval } } : n,
    ),
  };
}

/**
 * Runs a pipeline on rows given batch by batch, on a virtual clock, and returns what every sink
 * received in each micro-batch. Nothing is written anywhere: sinks are captured. Processing time
 * advances `batchInterval` per micro-batch; event time comes from the rows. Checkpoints are not
 * written.
 *
 * @example
 * const result = await testPipeline(pipeline, {
 *   inputs: { events: [[{ user: 'a', ts: '2026-01-01T00:00:05Z' }], []] },
 * });
 * expect(result.batches[0]!.sinks.out).toEqual([...]);
 */
export async function testPipeline(
  pipeline: RunnablePipeline,
  options: TestPipelineOptions = {},
): Promise<TestResult> {
  const interval = options.batchInterval ?? 1000;
  const base = pipeline.plan;
  const inputs = inputsBySource(base, options.inputs ?? {});
  const timed = withIntervalTriggers(base, interval);
  const plan: Plan = {
    ...timed,
    // The test owns time and output: no checkpoint directories.
    nodes: timed.nodes.map((n) => {
      if (n.kind !== 'sink' || n.checkpoint === undefined) return n;
      const { checkpoint: _, ...rest } = n;
      return rest;
    }),
  };
  const builtins = defaultConnectors();
  const registry = new ConnectorRegistry();
  const sourceTypes = new Set(
    plan.nodes.flatMap((n) => (n.kind === 'source' ? [n.source.type as SourceType] : [])),
  );
  for (const type of sourceTypes)
    registry.registerSource(type, (spec, ctx) => {
      const batches = inputs.get(ctx.nodeId);
      if (batches) return new InputReader(batches, isBoundedSource(spec), ctx);
      if (!builtins.hasSource(type))
        throw new PipekitError('testPipeline: a source has no input', [
          {
            path: ['inputs', ctx.nodeId],
            message: `source ${ctx.nodeId} is a ${type} source: give its rows in inputs`,
          },
        ]);
      return builtins.source(type)(spec, ctx);
    });
  const captured = new Map<string, Captured>();
  const keys = new Map(
    plan.nodes.flatMap((n) => (n.kind === 'sink' ? [[n.id, sinkKey(n)] as const] : [])),
  );
  for (const type of sinkTypes(plan))
    registry.registerSink(type, (_spec, ctx) => {
      const key = keys.get(ctx.nodeId) ?? ctx.nodeId;
      let c = captured.get(key);
      if (!c) {
        c = { outputMode: ctx.outputMode, byBatch: new Map() };
        captured.set(key, c);
      }
      return new CaptureWriter(c);
    });

  const clock = new VirtualClock(options.startTime ?? Date.UTC(2026, 0, 1));
  const reports: QueryProgress[] = [];
  const longest = Math.max(0, ...[...inputs.values()].map((b) => b.length));
  const limit = options.batches ?? longest;
  const controller = new AbortController();
  const run = runPipeline(
    { plan, udfs: pipeline.udfs },
    {
      connectors: registry,
      scheduler: clock.scheduler,
      signal: controller.signal,
      metrics: [
        {
          onProgress: (p) => {
            reports.push(p);
            if (reports.length >= limit) controller.abort();
          },
        },
      ],
    },
  );
  let done = false;
  // Settled at once (handled), so a failure while the clock runs is not an unhandled rejection.
  const outcome = run.result.then(
    () => ({ failed: false as const }),
    (error: unknown) => ({ failed: true as const, error }),
  );
  void outcome.then(() => {
    done = true;
  });
  // Bounded: the first tick comes at once, then one per interval; a few spare ticks let a
  // query with no new data (no micro-batch) reach the limit anyway.
  for (let tick = 0; tick <= limit + 2 && !done; tick++)
    await clock.advance(tick === 0 ? 0 : interval);
  if (!done) controller.abort();
  const ended = await outcome;
  if (ended.failed) throw ended.error;

  const sinkNames = [...new Set([...keys.values(), ...captured.keys()])];
  const batches = reports.map((p): TestBatch => {
    const sinks: Record<string, readonly Row[]> = {};
    for (const key of sinkNames) sinks[key] = captured.get(key)?.byBatch.get(p.batchId) ?? [];
    const marks = p.nodes.flatMap((n) => (n.watermark === null ? [] : [Date.parse(n.watermark)]));
    return {
      batchId: p.batchId,
      time: Date.parse(p.timestamp),
      watermark: marks.length > 0 ? Math.min(...marks) : null,
      sinks,
    };
  });
  const sinks: Record<string, readonly Row[]> = {};
  for (const key of sinkNames) {
    const c = captured.get(key);
    sinks[key] = c ? finalRows(c) : [];
  }
  return { batches, sinks };
}
