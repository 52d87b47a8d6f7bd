import type { JoinType } from '../plan/nodes/stateful-nodes.js';
import type { Keys } from '../schema/row-type.js';

/**
 * The row type after each step, built so that a chain of hundreds of steps keeps every column's
 * type. Why not `Omit<R, N> & { [P in N]: T }`: a mapped type's property types are computed lazily,
 * so the type of a column at step 200 would be `R199[P]` → `R198[P]` → ... one nested instantiation
 * per step, and TypeScript gives up past ~100 (TS2589) and makes the columns `any`.
 *
 * Instead a step reads the previous row as a union of `[column, type]` entries (which resolves all
 * of its columns, each one level deep) and builds its row from entries again. Unions of concrete
 * tuples are evaluated at once, so no step's column types refer back to an earlier step.
 */

/** The columns of a row as a union of `[name, type]` pairs: `['userId', string] | ['amount', number]`. */
export type Entries<R> = { [P in Keys<R>]-?: [P, R[P]] }[Keys<R>];

/** The flat row of a union of entries; `& {}` so editors show its columns, not this alias. */
export type FromEntries<E extends [string, unknown]> = { [X in E as X[0]]: X[1] } & {};

/** `withColumn(N, T)`: column N of type T added, or replacing the one of that name. */
export type WithColumn<R, N extends string, T> = FromEntries<
  Exclude<Entries<R>, [N, unknown]> | [N, T]
>;

/** `select('a', 'b')`: only these columns. */
export type PickColumns<R, C extends string> = FromEntries<Extract<Entries<R>, [C, unknown]>>;

/** `drop('a', 'b')`: every column but these. */
export type DropColumns<R, C extends string> = FromEntries<Exclude<Entries<R>, [C, unknown]>>;

type Nullable<E, Yes extends boolean> = Yes extends true
  ? E extends [infer K, infer V]
    ? [K, V | null]
    : never
  : E;

/** The right side's entries in a join: its key columns dropped, names the left has get `_right`. */
type RightEntries<E, RK, LK> = E extends [infer K extends string, infer V]
  ? K extends RK
    ? never
    : [K extends LK ? `${K}_right` : K, V]
  : never;

/**
 * The row of a join: left columns, then right columns but its keys (renamed `x_right` when both
 * sides have `x`); the side that may have no match is nullable.
 */
export type JoinedRow<L, R, RK, J extends JoinType> = FromEntries<
  | Nullable<Entries<L>, J extends 'right' | 'full' ? true : false>
  | Nullable<RightEntries<Entries<R>, RK, Keys<L>>, J extends 'left' | 'full' ? true : false>
>;
