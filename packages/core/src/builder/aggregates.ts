import type { AggregateFn } from '../plan/nodes/stateful-nodes.js';
import type { Keys, NumericKeys, Row, ScalarKeys, ValueKind } from '../schema/row-type.js';

/** One aggregate, as `count()`, `sum('amount')` give it: plain data, checked against the row type in `aggregate`. */
export interface Aggregate<
  F extends AggregateFn = AggregateFn,
  C extends string | undefined = string | undefined,
> {
  readonly fn: F;
  readonly column: C;
}

/**
 * Rows in the group, or rows where `column` is not null.
 *
 * ```ts
 * .groupBy('userId').aggregate({ events: count(), withAmount: count('amount') })
 * ```
 */
export function count(): Aggregate<'count', undefined>;
export function count<const C extends string>(column: C): Aggregate<'count', C>;
export function count(column?: string): Aggregate<'count', string | undefined> {
  return Object.freeze({ fn: 'count', column });
}

/** An aggregate of one column's values, for each function that takes exactly one column. */
const ofColumn =
  <F extends Exclude<AggregateFn, 'count'>>(fn: F) =>
  <const C extends string>(column: C): Aggregate<F, C> =>
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

/** The columns each aggregate function takes: `sum`/`avg` numbers, `min`/`max` orderable values. */
export interface AggregateColumns<R> {
  count: Keys<R> | undefined;
  countDistinct: Keys<R>;
  first: Keys<R>;
  last: Keys<R>;
  sum: NumericKeys<R>;
  avg: NumericKeys<R>;
  min: ScalarKeys<R>;
  max: ScalarKeys<R>;
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
 * The aggregates as given when each fits the row; an aggregate that does not becomes its message,
 * which the compiler shows as the expected type (`sum needs a numeric column: userId is string`).
 */
export type CheckedAggregates<R, A> = {
  [N in keyof A]: [AggregateMistake<R, A[N]>] extends [never] ? A[N] : AggregateMistake<R, A[N]>;
};

// The column sets below are written out, not through NumericKeys/ScalarKeys aliases, so that an
// error shows the columns (`"amount" | "quantity"`) rather than the alias applied to the whole row.

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
  sum<
    const C extends {
      [K in Keys<R>]: unknown extends R[K] ? K : NonNullable<R[K]> extends number ? K : never;
    }[Keys<R>],
  >(column: C): Aggregate<'sum', C>;
  /** Mean of a numeric column's non-null values: `a.avg('amount')`. */
  avg<
    const C extends {
      [K in Keys<R>]: unknown extends R[K] ? K : NonNullable<R[K]> extends number ? K : never;
    }[Keys<R>],
  >(column: C): Aggregate<'avg', C>;
  /** Smallest value of an orderable column (number, string, time, boolean): `a.min('eventTime')`. */
  min<
    const C extends {
      [K in Keys<R>]: unknown extends R[K]
        ? K
        : NonNullable<R[K]> extends string | number | boolean | Date | bigint
          ? K
          : never;
    }[Keys<R>],
  >(column: C): Aggregate<'min', C>;
  /** Largest value of an orderable column (number, string, time, boolean): `a.max('amount')`. */
  max<
    const C extends {
      [K in Keys<R>]: unknown extends R[K]
        ? K
        : NonNullable<R[K]> extends string | number | boolean | Date | bigint
          ? K
          : never;
    }[Keys<R>],
  >(column: C): Aggregate<'max', C>;
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
