import type { DurationInput } from '../duration/duration.js';
import type { Cols } from '../expr/cols.js';
import type { SqlExpr } from '../expr/sql-tag.js';
import type { ExprOf } from '../expr/typed-expr.js';
import type { CheckedJoinOn } from '../plan/join-keys.js';
import type { JoinType } from '../plan/nodes/stateful-nodes.js';
import type { Plan } from '../plan/plan.js';
import type { PolicyInput } from '../plan/policy.js';
import type { SinkSpec } from '../plan/sinks/sink-spec.js';
import type { WindowSpec } from '../plan/window-spec.js';
import type {
  FieldInput,
  Keys,
  Row,
  RowOf,
  ScalarKeys,
  SchemaInput,
  TimeKeys,
} from '../schema/row-type.js';
import type { Aggregate, AggregateResult, AggregatesInput } from './aggregates.js';
import type { Expectation, ExpectOptions } from './expectations.js';
import type { BuilderNode, Udf } from './graph.js';
import type { QueryOptions, Sinks } from './sink-options.js';
import type {
  Declarations,
  DocumentedRow,
  DropColumns,
  Entries,
  FromEntries,
  JoinedRightDocs,
  JoinedRow,
  PickColumns,
  WithColumn,
} from './step-rows.js';
import type { AggKind, WindowArgs } from './window-rules.js';

/**
 * What a stream is, for the output modes it allows: plain rows; an aggregation without a watermark
 * (its rows change forever: update or complete); an aggregation with one (append emits a window once
 * the watermark passes it).
 */
export type StreamKind = 'rows' | 'aggregated' | 'aggregatedWithWatermark';

/** A filter condition: a typed expression, a callback over the typed columns, or `sql\`...\``. */
export type Predicate<R> =
  | ExprOf<boolean | null>
  | SqlExpr
  | ((r: Cols<R>) => ExprOf<boolean | null> | SqlExpr);

/** A select entry: a column name (rename) or an expression. */
export type Projection<R> = Keys<R> | ExprOf<unknown>;
type ProjectionType<R, P> =
  P extends Keys<R> ? R[P] : P extends SqlExpr ? unknown : P extends ExprOf<infer T> ? T : never;
/** The row of `select({...})`: one column per entry, from a column name or an expression. */
export type ProjectedRow<R, P, D = R, DK = Keys<R>> = DocumentedRow<
  { [N in Extract<keyof P, string>]-?: [N, ProjectionType<R, P[N]>] }[Extract<keyof P, string>],
  D,
  ProjectedDocs<P, DK>
>;
/** The columns a projection keeps under their own name (`{ userId: 'userId' }`): they keep their doc. */
export type ProjectedDocs<P, DK> = Extract<
  { [N in Extract<keyof P, string>]-?: P[N] extends N ? N : never }[Extract<keyof P, string>],
  DK
>;

export interface MapOptions<S extends SchemaInput | undefined = undefined> {
  /** The UDF's name in the plan and in `explain`; the function's own name when absent. */
  readonly name?: string;
  /** The output row type, when the plan should know it (for sinks that create tables). Default: unknown. */
  readonly schema?: S;
  /** What happens to a row when the function throws. */
  readonly badRecords?: PolicyInput;
}

/** How a join matches, besides its keys. */
export interface JoinSettings<J extends JoinType> {
  /** `'inner'` (default), `'left'`, `'right'` or `'full'`; the side that may have no match gets nullable columns. */
  readonly type?: J;
  /** Stream–stream join: match rows at most this far apart in event time (state is cleaned by the watermark). */
  readonly within?: DurationInput;
  /** Stream–static join: the right side is a table, loaded once or again every `refresh`. */
  readonly lookup?:
    | boolean
    | {
        /** Reload the right side this often: `{ refresh: '1 hour' }`. Default: loaded once. */
        readonly refresh?: DurationInput;
      };
}

export interface JoinOptions<L, R, J extends JoinType> extends JoinSettings<J> {
  /** A key column both sides share, several, or `{ left: [...], right: [...] }`; key types must compare. */
  readonly on:
    | (Keys<L> & Keys<R>)
    | readonly (Keys<L> & Keys<R>)[]
    | { readonly left: readonly Keys<L>[]; readonly right: readonly Keys<R>[] };
}

type RightKeys<O> = O extends { readonly right: readonly (infer K)[] }
  ? K
  : O extends readonly (infer K)[]
    ? K
    : O;
export interface AggregateOptions {
  /** What happens to rows behind the watermark for a closed window: the pipeline's policy when absent. */
  readonly late?: PolicyInput;
  /** Group state not updated for this long is dropped (unwindowed aggregations on streams). */
  readonly stateTimeout?: DurationInput;
}

type WindowEntries = ['window_start', Date] | ['window_end', Date];

/** The columns a windowed aggregation adds, with what an editor shows for them. */
export interface WindowBounds {
  /** Where the window starts (included): rows with `start <= event time < end` are in it. */
  window_start: Date;
  /** Where the window ends (excluded): the next window of a tumbling window starts here. */
  window_end: Date;
}

/** What a windowed aggregation adds to the declarations (see step-rows.ts). */
export type WindowDeclarations<Windowed extends boolean> = Windowed extends true
  ? WindowBounds
  : unknown;
/** The columns of an aggregation that keep their doc: the group keys, the window's bounds. */
export type AggregatedDocs<C extends string, DK, Windowed extends boolean> =
  | Extract<DK, C>
  | (Windowed extends true ? keyof WindowBounds : never);

/** The row of an aggregation: the window's bounds (when windowed), the group keys, the aggregates. */
export type AggregatedRow<
  R extends Row,
  C extends string,
  A,
  Windowed extends boolean,
  D = R,
  DK = Keys<R>,
> = DocumentedRow<
  | (Windowed extends true ? WindowEntries : never)
  | Extract<Entries<R>, [C, unknown]>
  | { [N in Extract<keyof A, string>]-?: [N, AggregateResult<R, A[N]>] }[Extract<keyof A, string>],
  D & WindowDeclarations<Windowed>,
  AggregatedDocs<C, DK, Windowed>
>;

/** After `groupBy`: only `window` (once) and `aggregate` are possible, as Kafka Streams' KGroupedStream. */
export interface GroupedStream<
  R extends Row,
  C extends string,
  W extends string,
  Windowed extends boolean,
  D = R,
  DK = Keys<R>,
> {
  /** Windows the groups in event time (once): `.groupBy('userId').window(tumbling('10 minutes'))`. */
  window<const T extends TimeKeys<R> = W & TimeKeys<R>>(
    spec: Windowed extends true
      ? 'this aggregation is already windowed: one window() per aggregation'
      : WindowSpec,
    ...options: Windowed extends true ? [] : WindowArgs<R, W, T>
  ): GroupedStream<R, C, W, true, D, DK>;
  /**
   * One row per group (and window) with these aggregates: `aggregate({ n: count(), revenue:
   * sum('amount') })`, or `aggregate((a) => ({ revenue: a.sum('amount') }))`, where an editor
   * completes each function's columns.
   */
  aggregate<const A extends Record<string, Aggregate>>(
    aggregates: AggregatesInput<R, A>,
    options?: AggregateOptions,
  ): AggregatedStream<
    AggregatedRow<R, C, A, Windowed, D, DK>,
    R,
    AggKind<W, C, Windowed>,
    D & WindowDeclarations<Windowed>,
    AggregatedDocs<C, DK, Windowed>
  >;
}

/** After `window`: group by keys, or aggregate over the whole window. */
export interface WindowedStream<R extends Row, W extends string, D = R, DK = Keys<R>> {
  /** Groups each window's rows by these columns: `.window(tumbling('1 minute')).groupBy('userId')`. */
  groupBy<const C extends ScalarKeys<R> = never>(...keys: C[]): GroupedStream<R, C, W, true, D, DK>;
  /** One row per window with these aggregates (see `GroupedStream.aggregate`). */
  aggregate<const A extends Record<string, Aggregate>>(
    aggregates: AggregatesInput<R, A>,
    options?: AggregateOptions,
  ): AggregatedStream<
    AggregatedRow<R, never, A, true, D, DK>,
    R,
    AggKind<W, never, true>,
    D & WindowBounds,
    AggregatedDocs<never, DK, true>
  >;
}

/**
 * A stream of rows of type `R`. `W` is the column carrying the watermark (never when none);
 * `K` what the stream is, for the output modes its sinks allow. `D` and `DK` carry the doc comments
 * of the columns (see step-rows.ts): the declarations of the source's columns, and which of R's
 * columns still are those.
 */
export interface Stream<
  R extends Row,
  W extends string = never,
  K extends StreamKind = 'rows',
  D = R,
  DK = Keys<R>,
> extends RowsOf<R> {
  /**
   * @internal the step this stream ends with (for the builders; hidden from the published types,
   * so editors do not offer it).
   */
  readonly node: BuilderNode;
  /** Keeps rows where the condition is true: `.filter((r) => r.amount.gt(100))`. */
  filter(predicate: Predicate<R>): Stream<R, W, K, D, DK>;
  /**
   * Several rules at once, from `notNull`, `between`, `matches`, `inSet`, `unique`: each must fit
   * the row (an unknown column or a wrong-typed bound is a compile error naming the column).
   */
  expect(...rules: [Expectation<R>, ...Expectation<R>[]]): Stream<R, W, K, D, DK>;
  /**
   * A data-quality rule on every row, checked per micro-batch, with counters per rule:
   * `.expect('positive amount', (r) => r.amount.gt(0), { onFailure: 'drop' })`. A row fails when
   * the condition is FALSE (NULL passes, as a SQL CHECK). See `docs/guide/quality.md`.
   */
  expect(name: string, condition: Predicate<R>, options?: ExpectOptions): Stream<R, W, K, D, DK>;
  /** Keeps these columns, in this order. */
  select<const C extends Keys<R>>(
    ...columns: [C, ...C[]]
  ): Stream<PickColumns<R, C, D, DK>, Extract<W, C>, K, D, Extract<DK, C>>;
  /** New columns from names (rename) and expressions: `.select((r) => ({ user: 'userId', total: r.amount.times(2) }))`. */
  select<const P extends Record<string, Projection<R>>>(
    projection: P | ((r: Cols<R>) => P),
  ): Stream<ProjectedRow<R, P, D, DK>, never, K, D, ProjectedDocs<P, DK>>;
  /** Adds a column, or replaces the one of that name. */
  withColumn<const N extends string, T>(
    name: N,
    value: ExprOf<T> | ((r: Cols<R>) => ExprOf<T>),
  ): Stream<WithColumn<R, N, T, D, DK>, Exclude<W, N>, K, D, Exclude<DK, N>>;
  /** Removes these columns: `.drop('debug', 'raw')`. */
  drop<const C extends Keys<R>>(
    ...columns: [C, ...C[]]
  ): Stream<DropColumns<R, C, D, DK>, Exclude<W, C>, K, D, Exclude<DK, C>>;
  /** A JavaScript function over each row: runs only on the local runtime (engines that cannot run it refuse the plan). */
  map<O extends Row>(
    fn: (row: R) => O,
    options?: MapOptions<undefined>,
  ): BadRecordsAwareStream<O, K>;
  map<const S extends SchemaInput>(
    fn: (row: R) => RowOf<S>,
    options: MapOptions<S> & {
      /** The output row type: a zod object, a Spark DDL string, or a field list. */
      schema: S;
    },
  ): BadRecordsAwareStream<RowOf<S>, K>;
  /** Rows of all the streams; they must have the same columns. */
  union(...others: RowsOf<R>[]): Stream<R, W, K, D, DK>;
  /** Drops rows whose key columns were seen before (within the watermark on streams, as Spark's dropDuplicates). */
  dedupe<const C extends Keys<R>>(...columns: [C, ...C[]]): Stream<R, W, K, D, DK>;
  /** Event time: results for a time are final once max(event time) − delay has passed it. */
  watermark<const C extends TimeKeys<R>>(
    column: C,
    delay: DurationInput,
    options?: {
      /** A source idle this long no longer holds the watermark back. Default: it always does. */
      idleTimeout?: DurationInput;
    },
  ): Stream<R, C, K, D, DK>;
  /**
   * Event-time windows, then `groupBy` or `aggregate`: `.window(tumbling('10 minutes'))` on the
   * watermark's column, or `.window(session('30 minutes'), { column: 'ts' })` without a watermark.
   */
  window<const T extends TimeKeys<R> = W & TimeKeys<R>>(
    spec: WindowSpec,
    ...options: WindowArgs<R, W, T>
  ): WindowedStream<R, W, D, DK>;
  /** Groups by these columns; with none, the whole stream is one group (as Spark's `groupBy()`). */
  groupBy<const C extends ScalarKeys<R> = never>(
    ...keys: C[]
  ): GroupedStream<R, C, W, false, D, DK>;
  /**
   * Joins with another stream on key columns of comparable types (string with string, numbers with
   * numbers, times with times): `.join(users, { on: 'userId', type: 'left', lookup: true })`.
   */
  join<R2 extends Row, const O extends JoinOptions<R, R2, J>['on'], J extends JoinType = 'inner'>(
    right: RowsOf<R2>,
    options: JoinSettings<J> & {
      /** A key column both sides share, several, or `{ left: [...], right: [...] }`; key types must compare. */
      readonly on: CheckedJoinOn<R, R2, O>;
    },
  ): Stream<
    JoinedRow<R, R2, RightKeys<O>, J, D, DK>,
    W,
    K,
    // Written out, not as an alias of (R, D): an alias's arguments would chain every row before.
    D & Declarations<R2, JoinedRightDocs<R, R2, RightKeys<O>, D>>,
    DK | JoinedRightDocs<R, R2, RightKeys<O>, D>
  >;
  /** Hint: keep this stream's rows in memory for several readers (legacy `cache`). */
  cache(): Stream<R, W, K, D, DK>;
  /** Hint kept in the plan for engines with partitions. */
  repartition(partitions: number, ...columns: Keys<R>[]): Stream<R, W, K, D, DK>;
  /** Hint kept in the plan for engines with partitions: fewer partitions without a shuffle. */
  coalesce(partitions: number): Stream<R, W, K, D, DK>;
  /** Names this stream in the plan and in `explain`. */
  as(name: string): Stream<R, W, K, D, DK>;
  /** Writes the stream to a sink: `.sink.delta({ path, checkpoint })`; its options are typed by the row. */
  readonly sink: Sinks<R, K>;
  /** Writes to a sink given as data (`sinks.delta({...})`). */
  to(sink: SinkSpec, query?: QueryOptions): Pipeline;
}

declare const rowType: unique symbol;

/**
 * Anything that carries rows of type R (every stream does, as a phantom): what `join` takes on its
 * right and `union` takes. Why not `Stream<R, string, StreamKind>`: the compiler would compare the
 * streams' whole method trees, where a watermark changes what later steps allow, and refuse streams
 * that are fine to combine.
 */
export interface RowsOf<R> {
  readonly [rowType]?: R;
}

/** The row type of a stream, as `z.infer` gives a schema's: `type Revenue = InferRow<typeof revenue>`. */
export type InferRow<S> = S extends RowsOf<infer R> ? R : never;

/** A stream whose last step holds state and may see late rows: `lateRows()` is their side output. */
export interface LateAwareStream<
  R extends Row,
  W extends string,
  K extends StreamKind,
  In extends Row,
  D = R,
  DK = Keys<R>,
> extends Stream<R, W, K, D, DK> {
  /** The rows this step found behind the watermark, as a stream; needs `late: 'sideOutput'`. */
  lateRows(): Stream<In, never, 'rows'>;
}

export type AggregatedStream<
  R extends Row,
  In extends Row,
  K extends StreamKind,
  D = R,
  DK = Keys<R>,
> = LateAwareStream<R, never, K, In, D, DK>;

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
  /** The records this step refused (with the reason), as a stream; needs `badRecords: 'sideOutput'`. */
  badRecords(): Stream<BadRecord, never, 'rows'>;
}

/** A source's stream; `badRecords()` is the side output of records it could not read. */
export type SourceStream<R extends Row> = BadRecordsAwareStream<R, 'rows'>;

/** A finished pipeline: the plan (plain JSON) and the JavaScript functions its `map` steps need. */
export interface Pipeline {
  /** The pipeline's name: the query name, or `pipeline(...)`'s. */
  readonly name: string;
  /** The plan: plain JSON that `pipe run` executes and `pipe explain` draws. */
  readonly plan: Plan;
  /** The JavaScript functions of its `map` steps, by the name the plan gives them. */
  readonly udfs: ReadonlyMap<string, Udf>;
  /** The sink steps, for `pipeline(...)` to merge and the code generator to number; not for pipelines. */
  readonly sinkNodes: readonly BuilderNode[];
}

export type {
  Declarations,
  DocumentedRow,
  DropColumns,
  Entries,
  FieldInput,
  FromEntries,
  JoinedRightDocs,
  JoinedRow,
  PickColumns,
  WithColumn,
};
