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
 *
 * Doc comments: a row built from entries has no declarations, so an editor would show no doc for
 * its columns. Each row is therefore also laid over `D`, the declarations (the source's row, whose
 * columns carry the zod fields' doc comments), filtered to `DK`, the columns that still are the
 * source's (same name, same values): a mapped type over `keyof D` whose `as` clause only filters
 * keys keeps D's declarations, one that renames does not (TypeScript's resolveMappedTypeMembers).
 * D is fixed along the chain (a join adds the other side's), so no row refers to the one before.
 */

/** The columns of a row as a union of `[name, type]` pairs: `['userId', string] | ['amount', number]`. */
export type Entries<R> = { [P in Keys<R>]-?: [P, R[P]] }[Keys<R>];

/** The flat row of a union of entries; `& {}` so editors show its columns, not this alias. */
export type FromEntries<E extends [string, unknown]> = { [X in E as X[0]]: X[1] } & {};

/** The declarations of D's columns named in DK (their types do not matter: `unknown`). */
export type Declarations<D, DK> = {
  -readonly [P in keyof D as P extends DK ? P : never]-?: unknown;
};

/**
 * The flat row of entries E whose columns named in DK carry the doc comments of D's. `unknown & T`
 * is T, so the types are E's; mapped over the intersection, each column gets its declarations.
 */
export type DocumentedRow<E extends [string, unknown], D, DK> = Flat<
  Declarations<D, DK> & { [X in E as X[0]]: X[1] }
>;
type Flat<T> = { [P in keyof T]: T[P] } & {};

/** `withColumn(N, T)`: column N of type T added, or replacing the one of that name. */
export type WithColumn<R, N extends string, T, D = R, DK = Keys<R>> = DocumentedRow<
  Exclude<Entries<R>, [N, unknown]> | [N, T],
  D,
  Exclude<DK, N>
>;

/** `select('a', 'b')`: only these columns. */
export type PickColumns<R, C extends string, D = R, DK = Keys<R>> = DocumentedRow<
  Extract<Entries<R>, [C, unknown]>,
  D,
  Extract<DK, C>
>;

/** `drop('a', 'b')`: every column but these. */
export type DropColumns<R, C extends string, D = R, DK = Keys<R>> = DocumentedRow<
  Exclude<Entries<R>, [C, unknown]>,
  D,
  Exclude<DK, C>
>;

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
 * The right side's columns that keep their doc in a join: not its keys, not renamed `x_right`, and
 * not a name the left's declarations have (both declarations would be shown).
 */
export type JoinedRightDocs<L, R, RK, D> = Exclude<Keys<R>, RK | Keys<L> | keyof D>;

/**
 * The row of a join: left columns, then right columns but its keys (renamed `x_right` when both
 * sides have `x`); the side that may have no match is nullable. The right side's declarations are
 * its row's own (whose columns carry theirs).
 */
export type JoinedRow<L, R, RK, J extends JoinType, D = L, DK = Keys<L>> = DocumentedRow<
  | Nullable<Entries<L>, J extends 'right' | 'full' ? true : false>
  | Nullable<RightEntries<Entries<R>, RK, Keys<L>>, J extends 'left' | 'full' ? true : false>,
  D & Declarations<R, JoinedRightDocs<L, R, RK, D>>,
  DK | JoinedRightDocs<L, R, RK, D>
>;
