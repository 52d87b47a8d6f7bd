import {
  type CompileOptions,
  compileExpr,
  compilePredicate,
  type ExprNode,
  type PlanVisitor,
  type Policy,
  type Schema,
  visitNode,
} from '@pipekit/core';
import type { Logger } from 'pino';
import {
  catchError,
  concatMap,
  map,
  type Observable,
  type OperatorFunction,
  tap,
  throwError,
} from 'rxjs';
import type { SinkWriter, SourceReader } from '../connector.js';
import { GenerateReader } from '../connectors/generate-source.js';
import { failureOf } from '../errors.js';
import type { RuleCounters } from '../metrics/expectation-metrics.js';
import type { NodeMetrics } from '../metrics/node-metrics.js';
import { aggregateRows } from '../operators/aggregate.js';
import { dedupeRows } from '../operators/dedupe.js';
import { filterRows } from '../operators/filter.js';
import { hashJoin } from '../operators/hash-join.js';
import { intervalJoin } from '../operators/interval-join.js';
import { loadStaticSide, lookupJoin, type NodeBuilder } from '../operators/lookup-join.js';
import { mapUdf } from '../operators/map-udf.js';
import { projectRows, setColumn, withoutColumns } from '../operators/project.js';
import { type OutputColumn, projector } from '../operators/projector.js';
import { statefulStep } from '../operators/stateful-step.js';
import { unionBatches } from '../operators/union.js';
import { trackWatermark } from '../operators/watermark.js';
import { badRecordHandler, badRecordRow } from '../policy/bad-records.js';
import { lateRowHandler } from '../policy/late-rows.js';
import { checkExpectations } from '../quality/check-expectations.js';
import { expectationSinkKey } from '../quality/dead-letter-groups.js';
import type { CircuitBreaker } from '../retry/circuit-breaker.js';
import { rowCoercer } from '../schema/coerce.js';
import { type Batch, batchOf, type Epoch } from './batch.js';
import { type ColumnUse, columnUse } from './columns.js';
import type { CompiledPipeline, NodeInfo, QueryPlan } from './compile-plan.js';

/** Rows written by one sink. */
export interface SinkStats {
  rowsWritten: number;
  batches: number;
}

/** Everything a query's nodes are built from. */
export interface GraphContext {
  readonly compiled: CompiledPipeline;
  readonly queryId: string;
  /**
   * The id sinks key their exactly-once bookkeeping by (`SinkBatch.queryId`): the unique id kept
   * in the query's checkpoint, as Spark's query `id`, so a new query (a new checkpoint) that reuses
   * a name is never mistaken for a replay of the old one. Known once the checkpoint is open.
   */
  readonly sinkQueryId: () => string;
  readonly epochs: Observable<Epoch>;
  readonly readers: ReadonlyMap<string, SourceReader>;
  readonly writers: ReadonlyMap<string, SinkWriter>;
  /**
   * Dead-letter writers by the id of the node whose policy names them ('' for the pipeline's);
   * for late-row policies `late:<id>` (`late:` for the pipeline's); for expectations
   * `expectationSinkKey(id, group)`.
   */
  readonly deadLetters: ReadonlyMap<string, SinkWriter>;
  readonly metrics: (id: string) => NodeMetrics;
  /** The counters of an expect node's rules, in its order. */
  readonly expectations: (id: string) => readonly RuleCounters[];
  readonly sinkStats: (id: string) => SinkStats;
  /** The circuit breaker of a sink node's writes. */
  readonly circuit: (id: string) => CircuitBreaker;
  readonly logger: Logger;
  /** The current batch's instant, for `current_timestamp()`. */
  readonly clock: { now: number };
  /** Rows read from sources and not yet written everywhere. */
  readonly onRead: (rows: number) => void;
}

interface NodeCtx {
  readonly g: GraphContext;
  readonly info: NodeInfo;
  readonly inputs: readonly Observable<Batch>[];
  readonly inputInfos: readonly NodeInfo[];
  readonly columns: ColumnUse;
}

function exprOptions(g: GraphContext): CompileOptions {
  return { now: () => g.clock.now };
}

function expr(e: ExprNode, schema: Schema | null, g: GraphContext) {
  return compileExpr(e, schema ?? undefined, exprOptions(g));
}

function queryOf(g: GraphContext): QueryPlan {
  return g.compiled.queries.find((q) => q.id === g.queryId)!;
}

/** A streaming stateful node: its operator, with its late-row policy (its own or the pipeline's). */
function stateful(ctx: NodeCtx, own: Policy | undefined): Observable<Batch> {
  const id = ctx.info.node.id;
  const q = queryOf(ctx.g);
  const onLate = lateRowHandler(
    own ?? ctx.g.compiled.plan.policies.late,
    {
      pipeline: ctx.g.compiled.plan.name,
      queryId: ctx.g.queryId,
      logger: ctx.g.logger,
      metrics: ctx.g.metrics(id),
      deadLetter: ctx.g.deadLetters.get(`late:${own ? id : ''}`) ?? null,
    },
    () => q.eventTime.lateWatermark,
  );
  return single(ctx, statefulStep(q.operators.get(id)!, onLate, ctx.g.metrics(id)));
}

function single(ctx: NodeCtx, op: OperatorFunction<Batch, Batch>): Observable<Batch> {
  return ctx.inputs[0]!.pipe(op);
}

function policyOf(ctx: NodeCtx, own: Policy | undefined) {
  const policy = own ?? ctx.g.compiled.plan.policies.badRecords;
  const id = ctx.info.node.id;
  return badRecordHandler(policy, {
    pipeline: ctx.g.compiled.plan.name,
    queryId: ctx.g.queryId,
    logger: ctx.g.logger,
    metrics: ctx.g.metrics(id),
    deadLetter: ctx.g.deadLetters.get(own ? id : '') ?? null,
  });
}

/** Builds each node kind as an observable of batches, from its inputs' observables. */
const build: PlanVisitor<Observable<Batch>, NodeCtx> = {
  source: (n, ctx) => {
    const reader = ctx.g.readers.get(n.id)!;
    // Column pruning: a generated column nothing downstream reads is not generated.
    const need = ctx.columns.need.get(n.id);
    if (need !== undefined && need !== 'all' && reader instanceof GenerateReader)
      reader.keepColumns(need);
    const onBad = policyOf(ctx, n.badRecords);
    return ctx.g.epochs.pipe(
      concatMap(async (epoch) => {
        ctx.g.metrics(n.id).markInput();
        const range = epoch.reads.get(n.id);
        if (!range) return batchOf(epoch, []);
        const r = await reader.readBatch(range.start, range.end);
        const bad = r.badRecords ?? [];
        ctx.g.metrics(n.id).countIn(r.rows.length + bad.length);
        ctx.g.onRead(r.rows.length);
        return batchOf(epoch, r.rows, await onBad(bad, epoch));
      }),
    );
  },
  filter: (n, ctx) =>
    single(
      ctx,
      filterRows(
        compilePredicate(n.predicate, ctx.inputInfos[0]!.schema ?? undefined, exprOptions(ctx.g)),
      ),
    ),
  select: (n, ctx) => {
    // Keeps columns under their own names, and only they are read downstream: rows pass as they are.
    if (ctx.columns.passThrough.has(n.id)) return ctx.inputs[0]!;
    const schema = ctx.inputInfos[0]!.schema;
    const columns: OutputColumn[] = n.columns.map((c) =>
      c.expr.kind === 'column' &&
      (schema === null || schema.fields.some((f) => f.name === (c.expr as { name: string }).name))
        ? { name: c.name, from: (c.expr as { name: string }).name }
        : { name: c.name, fn: expr(c.expr, schema, ctx.g) },
    );
    return single(ctx, projectRows(projector(columns)));
  },
  withColumn: (n, ctx) => {
    const schema = ctx.inputInfos[0]!.schema;
    const fn = expr(n.expr, schema, ctx.g);
    if (!schema) return single(ctx, projectRows(setColumn(n.column, fn)));
    const columns: OutputColumn[] = schema.fields.map((f) =>
      f.name === n.column ? { name: f.name, fn } : { name: f.name, from: f.name },
    );
    if (!schema.fields.some((f) => f.name === n.column)) columns.push({ name: n.column, fn });
    return single(ctx, projectRows(projector(columns)));
  },
  drop: (n, ctx) => {
    const schema = ctx.inputInfos[0]!.schema;
    if (!schema) return single(ctx, projectRows(withoutColumns(n.columns)));
    return single(
      ctx,
      projectRows(
        projector(
          schema.fields
            .filter((f) => !n.columns.includes(f.name))
            .map((f) => ({ name: f.name, from: f.name })),
        ),
      ),
    );
  },
  map: (n, ctx) =>
    single(
      ctx,
      mapUdf(
        n.id,
        ctx.g.compiled.udfs.get(n.udf)!,
        rowCoercer(n.schema, n.id),
        policyOf(ctx, n.badRecords),
      ),
    ),
  expect: (n, ctx) =>
    single(
      ctx,
      checkExpectations(n, ctx.inputInfos[0]!.schema, {
        pipeline: ctx.g.compiled.plan.name,
        logger: ctx.g.logger,
        counters: ctx.g.expectations(n.id),
        deadLetter: (group) => ctx.g.deadLetters.get(expectationSinkKey(n.id, group.index))!,
        sinkQueryId: ctx.g.sinkQueryId,
        compile: exprOptions(ctx.g),
      }),
    ),
  union: (_n, ctx) => unionBatches(ctx.inputs),
  hint: (_n, ctx) => ctx.inputs[0]!,
  watermark: (n, ctx) => {
    const q = queryOf(ctx.g);
    return single(
      ctx,
      trackWatermark(n.column, q.watermarks.get(n.id)!, q.eventTime, ctx.g.metrics(n.id)),
    );
  },
  dedupe: (n, ctx) =>
    queryOf(ctx.g).operators.has(n.id)
      ? stateful(ctx, n.late)
      : single(ctx, dedupeRows(n.columns, ctx.g.metrics(n.id))),
  aggregate: (n, ctx) =>
    queryOf(ctx.g).operators.has(n.id)
      ? stateful(ctx, n.late)
      : single(ctx, aggregateRows(n, 'final', ctx.g.metrics(n.id))),
  join: (n, ctx) => {
    const [l, r] = ctx.inputInfos;
    const names = (s: Schema | null) => s?.fields.map((f) => f.name) ?? null;
    const columns = { left: names(l!.schema), right: names(r!.schema) };
    const metrics = ctx.g.metrics(n.id);
    const interval = queryOf(ctx.g).joins.get(n.id);
    if (interval) return intervalJoin(interval, metrics)(ctx.inputs[0]!, ctx.inputs[1]!);
    if (l!.bounded || !r!.bounded)
      return hashJoin(n, columns, metrics)(ctx.inputs[0]!, ctx.inputs[1]!);
    // Stream–static: the static side is read whole on its own (and again on refresh).
    const info = ctx.g.compiled.info;
    const buildNode: NodeBuilder = (node, ids, inputs, epochs) =>
      visitNode(build, node, {
        g: { ...ctx.g, epochs, onRead: () => {} },
        info: info.get(node.id)!,
        inputs,
        inputInfos: ids.map((i) => info.get(i)!),
        columns: ctx.columns,
      });
    const load = (time: number) =>
      loadStaticSide(ctx.g.compiled.plan, n.right, ctx.g.readers, buildNode, time);
    return lookupJoin(n, columns, load, metrics)(ctx.inputs[0]!);
  },
  sideOutput: (n, ctx) =>
    ctx.inputs[0]!.pipe(
      map((b) => batchOf(b.epoch, n.output === 'late' ? (b.late ?? []) : b.bad.map(badRecordRow))),
    ),
  sink: (n, ctx) => {
    const writer = ctx.g.writers.get(n.id)!;
    const stats = ctx.g.sinkStats(n.id);
    const schema = ctx.inputInfos[0]!.schema;
    return ctx.inputs[0]!.pipe(
      concatMap(async (b) => {
        if (b.rows.length > 0) {
          // Through the sink's circuit breaker: a failing sink holds the batch until it is back.
          await ctx.g.circuit(n.id).run(async () =>
            writer.writeBatch({
              queryId: ctx.g.sinkQueryId(),
              batchId: b.epoch.batchId,
              rows: b.rows,
              schema,
            }),
          );
          stats.rowsWritten += b.rows.length;
          stats.batches += 1;
        }
        return b;
      }),
    );
  },
};

/** Counts rows out of a node, ends its busy time, and names the node in any error that passes through it. */
function instrument(ctx: NodeCtx, out: Observable<Batch>): Observable<Batch> {
  const { node } = ctx.info;
  const m = ctx.g.metrics(node.id);
  return out.pipe(
    tap((b) => {
      m.countOut(b.rows.length);
      m.markOutput();
    }),
    catchError((e: unknown) => throwError(() => failureOf(ctx.g.compiled.plan.name, node, e))),
  );
}

/**
 * The RxJS graph of one query: an observable per node (shared, so a stream read by several nodes
 * runs once), each emitting once per micro-batch. Returns the sinks' observables, which emit when
 * a sink has written its batch.
 */
export function buildGraph(
  g: GraphContext,
  nodes: readonly NodeInfo[],
  share: <T>(o: Observable<T>) => Observable<T>,
): Observable<Batch>[] {
  const built = new Map<string, Observable<Batch>>();
  const columns = columnUse(g.compiled.plan, g.compiled.info);
  const sinks: Observable<Batch>[] = [];
  for (const info of nodes) {
    const node = info.node;
    const inputIds =
      node.kind === 'source'
        ? []
        : node.kind === 'union'
          ? node.inputs
          : node.kind === 'join'
            ? [node.left, node.right]
            : node.kind === 'sideOutput'
              ? [node.of]
              : [node.input];
    const inputs = inputIds.map((id) => {
      const o = built.get(id)!;
      const m = g.metrics(node.id);
      return o.pipe(
        tap((b: Batch) => {
          m.markInput();
          m.countIn(
            node.kind !== 'sideOutput'
              ? b.rows.length
              : node.output === 'late'
                ? (b.late?.length ?? 0)
                : b.bad.length,
          );
        }),
      );
    });
    const ctx: NodeCtx = {
      g,
      info,
      inputs,
      inputInfos: inputIds.map((id) => g.compiled.info.get(id)!),
      columns,
    };
    const out = share(instrument(ctx, visitNode(build, node, ctx)));
    built.set(node.id, out);
    if (node.kind === 'sink') sinks.push(out);
  }
  return sinks;
}
