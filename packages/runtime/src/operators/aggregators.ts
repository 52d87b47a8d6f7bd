import type { AggregateSpec } from '@pipekit/core';

/**
 * How one aggregate function keeps and folds its state inside a group table (see
 * `state/group-table.ts`), as JavaScript source the table compiles once per node, so folding a row
 * allocates nothing and calls nothing. A state is `nums` doubles (count, sum, avg: updated in a
 * Float64Array, never boxed) and/or one opaque JS value (min, max, first, last, countDistinct).
 *
 * Spark's semantics: NULLs are skipped by sum, avg, min, max and countDistinct (NULL when there is
 * no non-NULL value); count(*) counts rows, count(col) non-NULLs; first and last take the first and
 * last row's value in arrival order, NULL included (Spark's `ignorenulls=false`). countDistinct is
 * exact (a Set; a Date counts by its instant).
 */
export interface AggregateCode {
  /** Doubles of state (each starts at 0). */
  readonly nums: 0 | 1 | 2;
  /** The initial opaque state, when the function keeps one. */
  readonly init?: () => unknown;
  /**
   * Folds a row in: `v` reads the row's column (evaluate it once), `n(j)` is number field j, `x`
   * the opaque state (all three are assignable expressions).
   */
  readonly add: (v: string, n: (j: number) => string, x: string) => string;
  /** Folds state `from` (`m(j)`, `y`) into `into` (`n(j)`, `x`); `into` holds the earlier rows. */
  readonly merge: (
    n: (j: number) => string,
    x: string,
    m: (j: number) => string,
    y: string,
  ) => string;
  /** The aggregate's value. */
  readonly result: (n: (j: number) => string, x: string) => string;
}

const countStar: AggregateCode = {
  nums: 1,
  add: (_v, n) => `${n(0)} += 1;`,
  merge: (n, _x, m) => `${n(0)} += ${m(0)};`,
  result: (n) => n(0),
};

const countColumn: AggregateCode = {
  ...countStar,
  add: (v, n) => `if (${v} != null) ${n(0)} += 1;`,
};

/** sum and avg: the running sum and how many non-NULL values made it. */
const summed = (result: AggregateCode['result']): AggregateCode => ({
  nums: 2,
  add: (v, n) => `{ const v = ${v}; if (v != null) { ${n(0)} += v; ${n(1)} += 1; } }`,
  merge: (n, _x, m) => `${n(0)} += ${m(0)}; ${n(1)} += ${m(1)};`,
  result,
});

/**
 * min and max: the best value so far, null before the first. `<` orders numbers, strings and Dates
 * (by their instant) alike, so the state is the column's own value and is emitted as it is.
 */
const extreme = (better: (a: string, b: string) => string): AggregateCode => ({
  nums: 0,
  init: () => null,
  add: (v, _n, x) =>
    `{ const v = ${v}; if (v != null) { const o = ${x}; if (o === null || ${better('v', 'o')}) ${x} = v; } }`,
  merge: (_n, x, _m, y) => `if (${y} !== null && (${x} === null || ${better(y, x)})) ${x} = ${y};`,
  result: (_n, x) => x,
});

export function aggregateCode(a: AggregateSpec): AggregateCode {
  switch (a.fn) {
    case 'count':
      return a.column === undefined ? countStar : countColumn;
    case 'sum':
      return summed((n) => `(${n(1)} === 0 ? null : ${n(0)})`);
    case 'avg':
      return summed((n) => `(${n(1)} === 0 ? null : ${n(0)} / ${n(1)})`);
    case 'min':
      return extreme((a, b) => `${a} < ${b}`);
    case 'max':
      return extreme((a, b) => `${b} < ${a}`);
    case 'countDistinct':
      return {
        nums: 0,
        init: () => new Set<unknown>(),
        add: (v, _n, x) =>
          `{ const v = ${v}; if (v != null) ${x}.add(v instanceof Date ? v.getTime() : v); }`,
        merge: (_n, x, _m, y) => `for (const v of ${y}) ${x}.add(v);`,
        result: (_n, x) => `${x}.size`,
      };
    // `undefined`: no row yet; a NULL value is a value.
    case 'first':
      return {
        nums: 0,
        init: () => undefined,
        add: (v, _n, x) => `if (${x} === undefined) ${x} = ${v} ?? null;`,
        merge: (_n, x, _m, y) => `if (${x} === undefined) ${x} = ${y};`,
        result: (_n, x) => `(${x} ?? null)`,
      };
    case 'last':
      return {
        nums: 0,
        init: () => undefined,
        add: (v, _n, x) => `${x} = ${v} ?? null;`,
        merge: (_n, x, _m, y) => `if (${y} !== undefined) ${x} = ${y};`,
        result: (_n, x) => `(${x} ?? null)`,
      };
  }
}
