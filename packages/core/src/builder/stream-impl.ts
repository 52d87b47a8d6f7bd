import {
  type DurationInput,
  type DurationRule,
  tryDurationMs,
  tryParseDuration,
} from '../duration/duration.js';
import { PipekitError } from '../errors/pipekit-error.js';
import { columnsOf } from '../expr/cols.js';
import type { ExprNode } from '../expr/expr-node.js';
import type { ExprOf } from '../expr/typed-expr.js';
import type { JoinType } from '../plan/nodes/stateful-nodes.js';
import { toPolicy } from '../plan/policy.js';
import type { SinkSpec } from '../plan/sinks/sink-spec.js';
import type { WindowSpec } from '../plan/window-spec.js';
import type { SchemaInput } from '../schema/row-type.js';
import { toSchema } from '../schema/to-schema.js';
import { type Aggregate, aggregateBuilder } from './aggregates.js';
import type { BuilderNode, NodeOp, Udf } from './graph.js';
import { sinksOf, toSink } from './sink-builders.js';
import type { QueryOptions } from './sink-options.js';
import { step } from './step.js';
import { watermarkColumn } from './stream-facts.js';
import type { AggregateOptions, MapOptions } from './stream-types.js';

type Callback = (r: unknown) => unknown;

function exprNode(value: unknown, where: string): ExprNode {
  const v = typeof value === 'function' ? (value as Callback)(columnsOf()) : value;
  if (typeof v === 'object' && v !== null && 'node' in v) return (v as ExprOf<unknown>).node;
  throw new PipekitError(
    `${where} needs an expression (e.g. r => r.amount.gt(100), or sql\`...\`)`,
  );
}

/** One rule for `'10 seconds'` and `10_000`: a number is checked like the string it stands for. */
function durationMs(d: DurationInput, where: string, rule: DurationRule = {}): number {
  const r = typeof d === 'number' ? tryDurationMs(d, rule) : tryParseDuration(d, rule);
  if ('error' in r) throw new PipekitError(`${where}: ${r.error}`);
  return r.ms;
}

/**
 * The one implementation of every stream stage. Each method returns a new object over a new
 * immutable step; the public interfaces in stream-types.ts decide what a user may call next.
 */
export class StreamImpl {
  constructor(readonly node: BuilderNode) {}

  protected next(op: NodeOp, inputs: readonly BuilderNode[] = [this.node], udf?: Udf): StreamImpl {
    return new StreamImpl(step(op, inputs, udf));
  }

  filter(predicate: unknown) {
    return this.next({ kind: 'filter', predicate: exprNode(predicate, '.filter()') });
  }

  select(...args: unknown[]) {
    const [head] = args;
    if (typeof head === 'string') {
      const names = args as string[];
      return this.next({
        kind: 'select',
        columns: names.map((name) => ({ name, expr: { kind: 'column', name } })),
      });
    }
    const projection = (
      typeof head === 'function' ? (head as Callback)(columnsOf()) : head
    ) as Record<string, unknown>;
    const columns = Object.entries(projection).map(([name, v]) => ({
      name,
      expr:
        typeof v === 'string'
          ? ({ kind: 'column', name: v } as const)
          : exprNode(v, `.select() column '${name}'`),
    }));
    return this.next({ kind: 'select', columns });
  }

  withColumn(column: string, value: unknown) {
    return this.next({
      kind: 'withColumn',
      column,
      expr: exprNode(value, `.withColumn('${column}')`),
    });
  }

  drop(...columns: string[]) {
    return this.next({ kind: 'drop', columns });
  }

  map(fn: Udf, options: MapOptions<SchemaInput | undefined> = {}) {
    const op: NodeOp = {
      kind: 'map',
      udf: options.name ?? (fn.name || 'udf'),
      schema: options.schema === undefined ? null : toSchema(options.schema, '.map(...)'),
      ...(options.badRecords === undefined ? {} : { badRecords: toPolicy(options.badRecords) }),
    };
    return new BadRecordsAwareImpl(step(op, [this.node], fn));
  }

  union(...others: StreamImpl[]) {
    return this.next({ kind: 'union' }, [this.node, ...others.map((o) => o.node)]);
  }

  dedupe(...columns: string[]) {
    return this.next({ kind: 'dedupe', columns });
  }

  watermark(column: string, delay: DurationInput, options: { idleTimeout?: DurationInput } = {}) {
    const idle =
      options.idleTimeout === undefined
        ? {}
        : { idleTimeout: durationMs(options.idleTimeout, '.watermark() idleTimeout') };
    return this.next({
      kind: 'watermark',
      column,
      delay: durationMs(delay, '.watermark() delay', { allowZero: true }),
      ...idle,
    });
  }

  window(spec: WindowSpec, options: { column?: string } = {}) {
    return new GroupedImpl(this.node, [], this.windowOn(spec, options.column));
  }

  /** @internal */
  windowOn(spec: WindowSpec, column: string | undefined) {
    const on = column ?? watermarkColumn(this.node);
    if (on === undefined)
      throw new PipekitError('.window() needs an event-time column', [
        {
          path: ['column'],
          message: 'no watermark before it and no column given',
          fix: "add .watermark('ts', '10 seconds') before, or window(spec, { column: 'ts' })",
        },
      ]);
    return { ...spec, column: on };
  }

  groupBy(...keys: string[]) {
    return new GroupedImpl(this.node, keys, undefined);
  }

  join(
    right: StreamImpl,
    options: {
      on: unknown;
      type?: JoinType;
      within?: DurationInput;
      lookup?: boolean | { refresh?: DurationInput };
    },
  ) {
    const on = options.on;
    const keys =
      typeof on === 'string'
        ? { left: [on], right: [on] }
        : Array.isArray(on)
          ? { left: [...on], right: [...on] }
          : {
              left: [...(on as { left: string[] }).left],
              right: [...(on as { right: string[] }).right],
            };
    const lookup =
      options.lookup === undefined || options.lookup === false
        ? {}
        : {
            lookup:
              options.lookup === true || options.lookup.refresh === undefined
                ? {}
                : { refresh: durationMs(options.lookup.refresh, '.join() lookup.refresh') },
          };
    const within =
      options.within === undefined
        ? {}
        : { within: durationMs(options.within, '.join() within', { allowZero: true }) };
    return this.next(
      { kind: 'join', joinType: options.type ?? 'inner', on: keys, ...within, ...lookup },
      [this.node, right.node],
    );
  }

  cache() {
    return this.next({ kind: 'hint', hint: { type: 'cache' } });
  }

  repartition(partitions: number, ...columns: string[]) {
    return this.next({
      kind: 'hint',
      hint: { type: 'repartition', partitions, ...(columns.length > 0 ? { columns } : {}) },
    });
  }

  coalesce(partitions: number) {
    return this.next({ kind: 'hint', hint: { type: 'coalesce', partitions } });
  }

  as(name: string) {
    return new (this.constructor as new (n: BuilderNode) => StreamImpl)({
      ...this.node,
      op: { ...this.node.op, name },
    });
  }

  get sink() {
    return sinksOf(this.node);
  }

  to(sink: SinkSpec, query: QueryOptions = {}) {
    return toSink(this.node, sink, query);
  }
}

/** A stream after a step that keeps state: it may see late rows. */
export class LateAwareImpl extends StreamImpl {
  lateRows() {
    const op = this.node.op;
    const late = op.kind === 'aggregate' ? op.late : undefined;
    if (late?.type !== 'sideOutput')
      throw new PipekitError(
        `lateRows() needs the step before it to declare late: 'sideOutput'`,
        [],
        undefined,
      );
    return new StreamImpl(step({ kind: 'sideOutput', output: 'late' }, [this.node]));
  }
}

/** A source's or map's stream: `badRecords()` gives what it refused, when its policy is 'sideOutput'. */
export class BadRecordsAwareImpl extends StreamImpl {
  badRecords() {
    const op = this.node.op;
    if ((op.kind !== 'source' && op.kind !== 'map') || op.badRecords?.type !== 'sideOutput')
      throw new PipekitError(
        `badRecords() needs the step before it to declare badRecords: 'sideOutput'`,
      );
    return new StreamImpl(step({ kind: 'sideOutput', output: 'badRecords' }, [this.node]));
  }
}

type WindowOnColumn = WindowSpec & { column: string };

/** After `window` and/or `groupBy`. */
export class GroupedImpl {
  constructor(
    private readonly input: BuilderNode,
    private readonly keys: readonly string[],
    private readonly windowSpec: WindowOnColumn | undefined,
  ) {}

  window(spec: WindowSpec, options: { column?: string } = {}) {
    return new GroupedImpl(
      this.input,
      this.keys,
      new StreamImpl(this.input).windowOn(spec, options.column),
    );
  }

  groupBy(...keys: string[]) {
    return new GroupedImpl(this.input, keys, this.windowSpec);
  }

  aggregate(
    input: Record<string, Aggregate> | ((a: typeof aggregateBuilder) => Record<string, Aggregate>),
    options: AggregateOptions = {},
  ) {
    const aggregates = typeof input === 'function' ? input(aggregateBuilder) : input;
    const op: NodeOp = {
      kind: 'aggregate',
      keys: [...this.keys],
      ...(this.windowSpec ? { window: this.windowSpec } : {}),
      aggregates: Object.entries(aggregates).map(([name, a]) =>
        a.column === undefined ? { name, fn: a.fn } : { name, fn: a.fn, column: a.column },
      ),
      ...(options.late === undefined ? {} : { late: toPolicy(options.late) }),
      ...(options.stateTimeout === undefined
        ? {}
        : { stateTimeout: durationMs(options.stateTimeout, '.aggregate() stateTimeout') }),
    };
    return new LateAwareImpl(step(op, [this.input]));
  }
}
