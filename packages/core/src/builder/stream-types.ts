import type { z } from 'zod';
import type { DurationInput } from '../duration/duration.js';
import type { Cols } from '../expr/cols.js';
import type { SqlExpr } from '../expr/sql-tag.js';
import type { ExprOf } from '../expr/typed-expr.js';
import type { JoinType } from '../plan/nodes/stateful-nodes.js';
import type { Plan } from '../plan/plan.js';
import type { PolicyInput } from '../plan/policy.js';
import type { ConsoleSinkSpec } from '../plan/sinks/console-sink.js';
import type { deltaSinkSchema } from '../plan/sinks/delta-sink.js';
import type { fileSinkSchema } from '../plan/sinks/file-sink.js';
import type { kafkaSinkSchema } from '../plan/sinks/kafka-sink.js';
import type { kinesisSinkSchema } from '../plan/sinks/kinesis-sink.js';
import type { memorySinkSchema } from '../plan/sinks/memory-sink.js';
import type { postgresSinkSchema } from '../plan/sinks/postgres-sink.js';
import type { SinkOutputModes, SinkSpec, SinkType } from '../plan/sinks/sink-spec.js';
import type { OutputMode, Trigger } from '../plan/trigger.js';
import type { WindowSpec } from '../plan/window-spec.js';
import type {
  FieldInput,
  Keys,
  Row,
  RowOf,
  ScalarKeys,
  SchemaInput,
  Simplify,
  TimeKeys,
} from '../schema/row-type.js';
import type { AggregateResult, AggregatesFor } from './aggregates.js';
import type { Expectation, ExpectOptions } from './expectations.js';
import type { BuilderNode, Udf } from './graph.js';

/**
 * What a stream is, for the output modes it allows: plain rows; an aggregation without a watermark
 * (its rows change forever: update or complete); an aggregation with one (append emits a window once
 * the watermark passes it).
 */
export type StreamKind = 'rows' | 'aggregated' | 'aggregatedWithWatermark';

export type ModesOfKind<K extends StreamKind> = K extends 'rows'
  ? 'append' | 'update'
  : K extends 'aggregated'
    ? 'update' | 'complete'
    : OutputMode;

/** Where a sink's query keeps its progress and how often it runs. */
export interface QueryOptions<M extends OutputMode = OutputMode> {
  readonly trigger?: Trigger;
  /** Allowed values depend on the sink and on the stream: a compile error names the ones that fit. */
  readonly outputMode?: M;
  /** A directory for offsets, commits and state; needed for exactly-once restarts. */
  readonly checkpoint?: string;
  readonly queryName?: string;
}

type SinkOptions<Spec, K extends StreamKind, T extends SinkType> = Omit<Spec, 'type'> &
  QueryOptions<Extract<ModesOfKind<K>, SinkOutputModes[T][number]>>;

/** The sinks a stream can write to; each call finishes a query and gives a runnable `Pipeline`. */
export interface Sinks<K extends StreamKind> {
  delta(options: SinkOptions<z.input<typeof deltaSinkSchema>, K, 'delta'>): Pipeline;
  kafka(options: SinkOptions<z.input<typeof kafkaSinkSchema>, K, 'kafka'>): Pipeline;
  postgres(options: SinkOptions<z.input<typeof postgresSinkSchema>, K, 'postgres'>): Pipeline;
  file(options: SinkOptions<z.input<typeof fileSinkSchema>, K, 'file'>): Pipeline;
  console(options?: SinkOptions<Partial<ConsoleSinkSpec>, K, 'console'>): Pipeline;
  memory(options: SinkOptions<z.input<typeof memorySinkSchema>, K, 'memory'>): Pipeline;
  kinesis(options: SinkOptions<z.input<typeof kinesisSinkSchema>, K, 'kinesis'>): Pipeline;
}

/** A filter condition: a typed expression, a callback over the typed columns, or `sql\`...\``. */
export type Predicate<R> =
  | ExprOf<boolean | null>
  | SqlExpr
  | ((r: Cols<R>) => ExprOf<boolean | null> | SqlExpr);

/** A select entry: a column name (rename) or an expression. */
export type Projection<R> = Keys<R> | ExprOf<unknown>;
type ProjectionType<R, P> =
  P extends Keys<R> ? R[P] : P extends SqlExpr ? unknown : P extends ExprOf<infer T> ? T : never;
export type ProjectedRow<R, P> = Simplify<{ -readonly [N in keyof P]: ProjectionType<R, P[N]> }>;

export interface MapOptions<S extends SchemaInput | undefined = undefined> {
  /** The UDF's name in the plan and in `explain`; the function's own name when absent. */
  readonly name?: string;
  /** The output row type, when the plan should know it (for sinks that create tables). */
  readonly schema?: S;
  /** What happens to a row when the function throws. */
  readonly badRecords?: PolicyInput;
}

export interface JoinOptions<L, R, J extends JoinType> {
  /** A key column both sides share, several, or `{ left: [...], right: [...] }`. */
  readonly on:
    | (Keys<L> & Keys<R>)
    | readonly (Keys<L> & Keys<R>)[]
    | { readonly left: readonly Keys<L>[]; readonly right: readonly Keys<R>[] };
  readonly type?: J;
  /** Stream–stream join: match rows at most this far apart in event time (state is cleaned by the watermark). */
  readonly within?: DurationInput;
  /** Stream–static join: the right side is a table, loaded once or again every `refresh`. */
  readonly lookup?: boolean | { readonly refresh?: DurationInput };
}

type RightKeys<O> = O extends { readonly right: readonly (infer K)[] }
  ? K
  : O extends readonly (infer K)[]
    ? K
    : O;
type MaybeNull<T, Yes extends boolean> = Yes extends true ? { [K in keyof T]: T[K] | null } : T;

/** The row of a join: left columns, then right columns but its keys (renamed `x_right` when both sides have `x`). */
export type JoinedRow<L, R, RK, J extends JoinType> = Simplify<
  MaybeNull<Pick<L, Keys<L>>, J extends 'right' | 'full' ? true : false> &
    MaybeNull<
      { [P in Exclude<Keys<R>, RK> as P extends Keys<L> ? `${P}_right` : P]: R[P] },
      J extends 'left' | 'full' ? true : false
    >
>;

export interface WindowOptions<R> {
  /** The event-time column; the watermark's column when absent. */
  readonly column?: TimeKeys<R>;
}

export interface AggregateOptions {
  /** What happens to rows behind the watermark for a closed window: the pipeline's policy when absent. */
  readonly late?: PolicyInput;
  /** Group state not updated for this long is dropped (unwindowed aggregations on streams). */
  readonly stateTimeout?: DurationInput;
}

type WindowColumns = { window_start: Date; window_end: Date };

export type AggregatedRow<R extends Row, C extends string, A, Windowed extends boolean> = Simplify<
  (Windowed extends true ? WindowColumns : {}) &
    Pick<R, Extract<C, keyof R>> & { -readonly [N in keyof A]: AggregateResult<R, A[N]> }
>;

type AggKind<W extends string> = [W] extends [never] ? 'aggregated' : 'aggregatedWithWatermark';

/** After `groupBy`: only `window` (once) and `aggregate` are possible, as Kafka Streams' KGroupedStream. */
export interface GroupedStream<
  R extends Row,
  C extends string,
  W extends string,
  Windowed extends boolean,
> {
  window(
    spec: WindowSpec,
    ...options: [W] extends [never]
      ? [options: WindowOptions<R> & { column: TimeKeys<R> }]
      : [options?: WindowOptions<R>]
  ): Windowed extends true ? never : GroupedStream<R, C, W, true>;
  aggregate<const A extends AggregatesFor<R>>(
    aggregates: A,
    options?: AggregateOptions,
  ): AggregatedStream<AggregatedRow<R, C, A, Windowed>, R, AggKind<W>>;
}

/** After `window`: group by keys, or aggregate over the whole window. */
export interface WindowedStream<R extends Row, W extends string> {
  groupBy<const C extends ScalarKeys<R> = never>(...keys: C[]): GroupedStream<R, C, W, true>;
  aggregate<const A extends AggregatesFor<R>>(
    aggregates: A,
    options?: AggregateOptions,
  ): AggregatedStream<AggregatedRow<R, never, A, true>, R, AggKind<W>>;
}

/**
 * A stream of rows of type `R`. `W` is the column carrying the watermark (never when none);
 * `K` what the stream is, for the output modes its sinks allow.
 */
export interface Stream<R extends Row, W extends string = never, K extends StreamKind = 'rows'> {
  /** @internal the step this stream ends with. */
  readonly node: BuilderNode;
  /** Keeps rows where the condition is true: `.filter((r) => r.amount.gt(100))`. */
  filter(predicate: Predicate<R>): Stream<R, W, K>;
  /**
   * Several rules at once, from `notNull`, `between`, `matches`, `inSet`, `unique`: each must fit
   * the row (an unknown column or a wrong-typed bound is a compile error naming the column).
   */
  expect(...rules: [Expectation<R>, ...Expectation<R>[]]): Stream<R, W, K>;
  /**
   * A data-quality rule on every row, checked per micro-batch, with counters per rule:
   * `.expect('positive amount', (r) => r.amount.gt(0), { onFailure: 'drop' })`. A row fails when
   * the condition is FALSE (NULL passes, as a SQL CHECK). See `docs/guide/quality.md`.
   */
  expect(name: string, condition: Predicate<R>, options?: ExpectOptions): Stream<R, W, K>;
  /** Keeps these columns, in this order. */
  select<const C extends Keys<R>>(
    ...columns: [C, ...C[]]
  ): Stream<Simplify<Pick<R, C>>, Extract<W, C>, K>;
  /** New columns from names (rename) and expressions: `.select((r) => ({ user: 'userId', total: r.amount.times(2) }))`. */
  select<const P extends Record<string, Projection<R>>>(
    projection: P | ((r: Cols<R>) => P),
  ): Stream<ProjectedRow<R, P>, never, K>;
  /** Adds a column, or replaces the one of that name. */
  withColumn<const N extends string, T>(
    name: N,
    value: ExprOf<T> | ((r: Cols<R>) => ExprOf<T>),
  ): Stream<Simplify<Omit<R, N> & { [P in N]: T }>, Exclude<W, N>, K>;
  drop<const C extends Keys<R>>(
    ...columns: [C, ...C[]]
  ): Stream<Simplify<Omit<R, C>>, Exclude<W, C>, K>;
  /** A JavaScript function over each row: runs only on the local runtime (engines that cannot run it refuse the plan). */
  map<O extends Row>(
    fn: (row: R) => O,
    options?: MapOptions<undefined>,
  ): BadRecordsAwareStream<O, K>;
  map<const S extends SchemaInput>(
    fn: (row: R) => RowOf<S>,
    options: MapOptions<S> & { schema: S },
  ): BadRecordsAwareStream<RowOf<S>, K>;
  /** Rows of all the streams; they must have the same columns. */
  union(...others: Stream<R, string, K>[]): Stream<R, W, K>;
  /** Drops rows whose key columns were seen before (within the watermark on streams, as Spark's dropDuplicates). */
  dedupe<const C extends Keys<R>>(...columns: [C, ...C[]]): Stream<R, W, K>;
  /** Event time: results for a time are final once max(event time) − delay has passed it. */
  watermark<const C extends TimeKeys<R>>(
    column: C,
    delay: DurationInput,
    options?: { idleTimeout?: DurationInput },
  ): Stream<R, C, K>;
  window(
    spec: WindowSpec,
    ...options: [W] extends [never]
      ? [options: WindowOptions<R> & { column: TimeKeys<R> }]
      : [options?: WindowOptions<R>]
  ): WindowedStream<R, W>;
  /** Groups by these columns; with none, the whole stream is one group (as Spark's `groupBy()`). */
  groupBy<const C extends ScalarKeys<R> = never>(...keys: C[]): GroupedStream<R, C, W, false>;
  join<R2 extends Row, const O extends JoinOptions<R, R2, J>['on'], J extends JoinType = 'inner'>(
    right: Stream<R2, string, StreamKind>,
    options: JoinOptions<R, R2, J> & { readonly on: O },
  ): Stream<JoinedRow<R, R2, RightKeys<O>, J>, W, K>;
  /** Hint: keep this stream's rows in memory for several readers (legacy `cache`). */
  cache(): Stream<R, W, K>;
  /** Hint kept in the plan for engines with partitions. */
  repartition(partitions: number, ...columns: Keys<R>[]): Stream<R, W, K>;
  coalesce(partitions: number): Stream<R, W, K>;
  /** Names this stream in the plan and in `explain`. */
  as(name: string): Stream<R, W, K>;
  readonly sink: Sinks<K>;
  /** Writes to a sink given as data (`sinks.delta({...})`). */
  to(sink: SinkSpec, query?: QueryOptions): Pipeline;
}

/** A stream whose last step holds state and may see late rows: `lateRows()` is their side output. */
export interface LateAwareStream<
  R extends Row,
  W extends string,
  K extends StreamKind,
  In extends Row,
> extends Stream<R, W, K> {
  /** The rows this step found behind the watermark; needs `late: 'sideOutput'`. */
  lateRows(): Stream<In, never, 'rows'>;
}

export type AggregatedStream<R extends Row, In extends Row, K extends StreamKind> = LateAwareStream<
  R,
  never,
  K,
  In
>;

/** The columns of a bad record in the `badRecords()` side output. */
export type BadRecord = {
  reason: string;
  node: string;
  position: string | null;
  record: string | null;
};

/**
 * The stream of a step that can refuse records (a source, a `map`): `badRecords()` is the side
 * output of what it refused, when its policy is `'sideOutput'`.
 */
export interface BadRecordsAwareStream<R extends Row, K extends StreamKind = 'rows'>
  extends Stream<R, never, K> {
  badRecords(): Stream<BadRecord, never, 'rows'>;
}

/** A source's stream; `badRecords()` is the side output of records it could not read. */
export type SourceStream<R extends Row> = BadRecordsAwareStream<R, 'rows'>;

/** A finished pipeline: the plan (plain JSON) and the JavaScript functions its `map` steps need. */
export interface Pipeline {
  readonly name: string;
  readonly plan: Plan;
  readonly udfs: ReadonlyMap<string, Udf>;
  /** @internal the sink steps, for `pipeline(...)` to merge. */
  readonly sinkNodes: readonly BuilderNode[];
}

export type { FieldInput };
