import type { AggregateFn } from '../plan/nodes/stateful-nodes.js';
import type { Keys, Row, ValueKind } from '../schema/row-type.js';

declare const takes: unique symbol;

/**
 * One aggregate, as `count()`, `sum('amount')` give it: plain data, checked against the row type in
 * `aggregate`. `Takes` (type-level only) is the columns the place it is written in accepts, which
 * `sum(...)` infers from there: an editor completing inside `aggregate({ t: sum('|') })` lists
 * exactly those, whatever the string holds so far.
 */
export interface Aggregate<
  F extends AggregateFn = AggregateFn,
  C extends string | undefined = string | undefined,
  Takes extends string = string,
> {
  readonly fn: F;
  readonly column: C;
  readonly [takes]?: Takes;
}

/**
 * Rows in the group, or rows where `column` is not null.
 *
 * ```ts
 * .groupBy('userId').aggregate({ events: count(), withAmount: count('amount') })
 * ```
 */
export function count(): Aggregate<'count', undefined>;
export function count<const C extends Takes, Takes extends string = string>(
  column: C,
): Aggregate<'count', C, Takes>;
export function count(column?: string): Aggregate<'count', string | undefined> {
  return Object.freeze({ fn: 'count', column });
}

/** An aggregate of one column's values, for each function that takes exactly one column. */
const ofColumn =
  <F extends Exclude<AggregateFn, 'count'>>(fn: F) =>
  <const C extends Takes, Takes extends string = string>(column: C): Aggregate<F, C, Takes> =>
    Object.freeze({ fn, column });

/** Exact count of distinct non-null values: `countDistinct('userId')`. */
export const countDistinct = ofColumn('countDistinct');
/** Sum of a numeric column's non-null values (null when all are null): `sum('amount')`. */
export const sum = ofColumn('sum');
/** Mean of a numeric column's non-null values: `avg('amount')`. */
export const avg = ofColumn('avg');
/** Smallest value of an orderable column (number, string, time, boolean): `min('eventTime')`. */
export const min = ofColumn('min');
/** Largest value of an orderable column (number, string, time, boolean): `max('amount')`. */
export const max = ofColumn('max');
/** The value of the first row of the group in arrival order: `first('page')`. */
export const first = ofColumn('first');
/** The value of the last row of the group in arrival order: `last('page')`. */
export const last = ofColumn('last');

// The column sets below are written out, not through NumericKeys/ScalarKeys aliases, so that an
// error shows the columns (`"amount" | "quantity"`) rather than the alias applied to the whole row.

/** The columns each aggregate function takes: `sum`/`avg` numbers, `min`/`max` orderable values. */
export interface AggregateColumns<R> {
  count: Keys<R> | undefined;
  countDistinct: Keys<R>;
  first: Keys<R>;
  last: Keys<R>;
  sum: {
    [K in Keys<R>]: unknown extends R[K] ? K : NonNullable<R[K]> extends number ? K : never;
  }[Keys<R>];
  avg: {
    [K in Keys<R>]: unknown extends R[K] ? K : NonNullable<R[K]> extends number ? K : never;
  }[Keys<R>];
  min: {
    [K in Keys<R>]: unknown extends R[K]
      ? K
      : NonNullable<R[K]> extends string | number | boolean | Date | bigint
        ? K
        : never;
  }[Keys<R>];
  max: {
    [K in Keys<R>]: unknown extends R[K]
      ? K
      : NonNullable<R[K]> extends string | number | boolean | Date | bigint
        ? K
        : never;
  }[Keys<R>];
}

type Needs<F extends AggregateFn> = F extends 'sum' | 'avg' ? 'numeric' : 'orderable';

/** Why an aggregate does not fit the row, in a line that names the function and the column. */
export type AggregateMistake<R, A> =
  A extends Aggregate<infer F, infer C>
    ? C extends AggregateColumns<R>[F]
      ? never
      : C extends Keys<R>
        ? unknown extends R[C]
          ? never // a column of unknown type (no schema): checked when the plan is built
          : `${F} needs a ${Needs<F>} column: ${C} is ${ValueKind<R[C]>}`
        : `${F}: ${C & string} is not a column`
    : 'not an aggregate: use count(), sum(column), ...';

/**
 * What an aggregate that does not fit the row is compared with: its function with the columns that
 * function takes, and why. The compiler's message then names the function, the column and the rule
 * (`'Aggregate<"sum", "userId">' is not assignable to 'AggregateFor<"sum", "amount" | "quantity",
 * "sum needs a numeric column: userId is string">'`), and an editor completing inside `sum('')`
 * infers the function's columns from it.
 */
export interface AggregateFor<F extends AggregateFn, C extends string, Why extends string>
  extends Aggregate<F, C, C> {
  /** Why the aggregate given does not fit (type-level only: never set). */
  readonly why?: Why;
}

/**
 * The aggregates as given when each fits the row; one that does not is compared with the
 * `AggregateFor` of its function (its columns and the reason), which is also what an editor reads
 * to complete the column inside `sum('|')`.
 */
export type CheckedAggregates<R, A> = {
  [N in keyof A]: [AggregateMistake<R, A[N]>] extends [never]
    ? A[N]
    : A[N] extends Aggregate<infer F>
      ? AggregateFor<F, Exclude<AggregateColumns<R>[F], undefined>, AggregateMistake<R, A[N]>>
      : AggregateMistake<R, A[N]>;
};

/**
 * The aggregate functions over a row's columns, for `aggregate((a) => ({ ... }))`: each offers
 * exactly the columns it takes, so an editor completes them.
 */
export interface AggregateBuilder<R> {
  /** Rows in the group, or rows where `column` is not null: `a.count()`. */
  count(): Aggregate<'count', undefined>;
  count<const C extends Keys<R>>(column: C): Aggregate<'count', C>;
  /** Exact count of distinct non-null values: `a.countDistinct('userId')`. */
  countDistinct<const C extends Keys<R>>(column: C): Aggregate<'countDistinct', C>;
  /** Sum of a numeric column's non-null values: `a.sum('amount')`. */
  sum<const C extends AggregateColumns<R>['sum']>(column: C): Aggregate<'sum', C>;
  /** Mean of a numeric column's non-null values: `a.avg('amount')`. */
  avg<const C extends AggregateColumns<R>['avg']>(column: C): Aggregate<'avg', C>;
  /** Smallest value of an orderable column (number, string, time, boolean): `a.min('eventTime')`. */
  min<const C extends AggregateColumns<R>['min']>(column: C): Aggregate<'min', C>;
  /** Largest value of an orderable column (number, string, time, boolean): `a.max('amount')`. */
  max<const C extends AggregateColumns<R>['max']>(column: C): Aggregate<'max', C>;
  /** The value of the first row of the group in arrival order: `a.first('page')`. */
  first<const C extends Keys<R>>(column: C): Aggregate<'first', C>;
  /** The value of the last row of the group in arrival order: `a.last('page')`. */
  last<const C extends Keys<R>>(column: C): Aggregate<'last', C>;
}

/** The one `AggregateBuilder` at run time: the functions above (columns are checked by the step). */
export const aggregateBuilder: AggregateBuilder<Row> = Object.freeze({
  count,
  countDistinct,
  sum,
  avg,
  min,
  max,
  first,
  last,
});

/** What `aggregate` takes: named aggregates, or a function of an `AggregateBuilder` giving them. */
export type AggregatesInput<R, A> = CheckedAggregates<R, A> | ((a: AggregateBuilder<R>) => A);

/** The aggregates a row type allows (kept for code that names it): each column one its function takes. */
export type AggregatesFor<R> = Record<
  string,
  { [F in AggregateFn]: Aggregate<F, AggregateColumns<R>[F]> }[AggregateFn]
>;

/** The type of an aggregate's result column. */
export type AggregateResult<R extends Row, A> =
  A extends Aggregate<'count' | 'countDistinct', infer _C>
    ? number
    : A extends Aggregate<'sum' | 'avg', infer C extends Keys<R>>
      ? null extends R[C]
        ? number | null
        : number
      : A extends Aggregate<AggregateFn, infer C extends Keys<R>>
        ? R[C]
        : never;
