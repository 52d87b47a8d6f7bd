import type { AggregateFn } from '../plan/nodes/stateful-nodes.js';
import type { Keys, NumericKeys, Row } from '../schema/row-type.js';

/** One aggregate, as `count()`, `sum('amount')` give it: plain data, checked against the row type in `aggregate`. */
export interface Aggregate<
  F extends AggregateFn = AggregateFn,
  C extends string | undefined = string | undefined,
> {
  readonly fn: F;
  readonly column: C;
}

/** Rows in the group, or rows where `column` is not null. */
export function count(): Aggregate<'count', undefined>;
export function count<C extends string>(column: C): Aggregate<'count', C>;
export function count(column?: string): Aggregate<'count', string | undefined> {
  return Object.freeze({ fn: 'count', column });
}

/** An aggregate of one column's values, for each function that takes exactly one column. */
const ofColumn =
  <F extends Exclude<AggregateFn, 'count'>>(fn: F) =>
  <C extends string>(column: C): Aggregate<F, C> =>
    Object.freeze({ fn, column });

/** Exact count of distinct non-null values. */
export const countDistinct = ofColumn('countDistinct');
export const sum = ofColumn('sum');
export const avg = ofColumn('avg');
export const min = ofColumn('min');
export const max = ofColumn('max');
/** The value of the first row of the group in arrival order. */
export const first = ofColumn('first');
/** The value of the last row of the group in arrival order. */
export const last = ofColumn('last');

/** The aggregates a row type allows: `sum`/`avg` of numeric columns only, every column a real one. */
export type AggregatesFor<R> = Record<
  string,
  | Aggregate<'count', Keys<R> | undefined>
  | Aggregate<'countDistinct' | 'min' | 'max' | 'first' | 'last', Keys<R>>
  | Aggregate<'sum' | 'avg', NumericKeys<R>>
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
