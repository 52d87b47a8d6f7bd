import type { JoinType } from '../plan/nodes/stateful-nodes.js';
import type { Keys } from '../schema/row-type.js';

/**
 * The row type after each step, built so that a chain of hundreds of steps keeps every column's
 * type and the doc comment of its schema field, and so that an editor re-checks it quickly.
 *
 * Each step maps over the previous row's keys (`keyof R`, or a subset constrained to `keyof R`, as
 * `Pick` does): TypeScript then links each column to its declaration, so hovering `r.amount` shows
 * the zod field's doc comment after any number of steps. A mapped type's column types are computed
 * lazily, though: column `x` at step 200 would be `R199['x']` → `R198['x']` → ... one nested
 * instantiation per step, and TypeScript gives up past ~100 (TS2589, the columns become `any`).
 * So every step's alias takes `R[keyof R]` as a defaulted argument it never reads: instantiating
 * the step resolves every column of the previous row there and then, each one level deep, and no
 * column's type ever waits on a long chain.
 *
 * The aliases below that users see are conditional types over unexported helpers, so an editor
 * shows a step's row as its columns (`{ userId: string; amount: number }`), not as
 * `WithColumn<PickColumns<...>>`.
 */

/** A row with these columns, each keeping its declaration (so its doc comment). */
type Columns<X> = { [K in keyof X]: X[K] } & {};

/** Some of a row's columns: `C` is constrained to `keyof R`, so each keeps its declaration. */
type Picked<R, C extends keyof R> = { [P in C]: R[P] } & {};

/** Every column of R, column N's type replaced by T. */
type Replaced<R, N, T> = { [K in keyof R]: K extends N ? T : R[K] } & {};

/** `withColumn(N, T)`: column N of type T added, or replacing the one of that name. */
export type WithColumn<R, N extends string, T, _Resolved = R[keyof R]> = [N] extends [keyof R]
  ? Replaced<R, N, T>
  : Columns<R & { [P in N]: T }>;

/** `select('a', 'b')`: only these columns. */
export type PickColumns<R, C extends keyof R, _Resolved = R[keyof R]> = [C] extends [unknown]
  ? Picked<R, C>
  : never;

/** `drop('a', 'b')`: every column but these. */
export type DropColumns<R, C, _Resolved = R[keyof R]> = [C] extends [unknown]
  ? Picked<R, Exclude<keyof R, C>>
  : never;

/** The columns of R, nullable when `Yes` (the side of a join that may have no match). */
type NullableIf<R, Yes extends boolean> = Yes extends true ? { [K in keyof R]: R[K] | null } : R;

/** The right side's columns in a join that keep their name: not a key, not a name the left has. */
type RightKept<R, RK, LK> = { [K in keyof R as K extends RK | LK ? never : K]: R[K] };

/** The right side's columns whose name the left has too, renamed `x_right`. */
type RightRenamed<R, RK, LK> = {
  [K in keyof R as K extends RK ? never : K extends LK ? `${K & string}_right` : never]: R[K];
};

/**
 * The row of a join: left columns, then right columns but its keys (renamed `x_right` when both
 * sides have `x`); the side that may have no match is nullable.
 */
export type JoinedRow<L, R, RK, J extends JoinType, _Resolved = L[keyof L] | R[keyof R]> = [
  J,
] extends [unknown]
  ? Columns<
      NullableIf<L, J extends 'right' | 'full' ? true : false> &
        NullableIf<
          RightKept<R, RK, keyof L> & RightRenamed<R, RK, keyof L>,
          J extends 'left' | 'full' ? true : false
        >
    >
  : never;

/** The columns of a row as a union of `[name, type]` pairs: `['userId', string] | ['amount', number]`. */
export type Entries<R> = { [P in Keys<R>]-?: [P, R[P]] }[Keys<R>];

/** The flat row of a union of entries; `& {}` so editors show its columns, not this alias. */
export type FromEntries<E extends [string, unknown]> = { [X in E as X[0]]: X[1] } & {};
