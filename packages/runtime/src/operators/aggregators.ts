import type { AggregateSpec } from '@pipekit/core';
import type { Row } from '../row.js';

/**
 * One aggregate function over a group's rows, Spark's semantics: NULLs are skipped by sum, avg,
 * min, max and countDistinct (NULL when there is no non-NULL value); count(*) counts rows,
 * count(col) non-NULLs; first and last take the first and last row's value in arrival order, NULL
 * included (Spark's `ignorenulls=false`).
 */
export interface Aggregator {
  init(): unknown;
  /** The new state after one row. */
  add(state: unknown, row: Row): unknown;
  /** Two states of one group as one: `a` of the earlier rows (session windows merging). */
  merge(a: unknown, b: unknown): unknown;
  result(state: unknown): unknown;
}

function num(v: unknown): number {
  return v instanceof Date ? v.getTime() : (v as number);
}

function less(a: unknown, b: unknown): boolean {
  return typeof a === 'string' ? a < (b as string) : num(a) < num(b);
}

export function aggregatorOf(a: AggregateSpec): Aggregator {
  const c = a.column;
  switch (a.fn) {
    case 'count':
      return c === undefined
        ? {
            init: () => 0,
            add: (s) => (s as number) + 1,
            merge: (a, b) => (a as number) + (b as number),
            result: (s) => s,
          }
        : {
            init: () => 0,
            add: (s, r) => (r[c] === null || r[c] === undefined ? s : (s as number) + 1),
            merge: (a, b) => (a as number) + (b as number),
            result: (s) => s,
          };
    case 'countDistinct':
      return {
        init: () => new Set<unknown>(),
        add: (s, r) => {
          const v = r[c!];
          if (v !== null && v !== undefined)
            (s as Set<unknown>).add(v instanceof Date ? v.getTime() : v);
          return s;
        },
        merge: (a, b) => {
          for (const v of b as Set<unknown>) (a as Set<unknown>).add(v);
          return a;
        },
        result: (s) => (s as Set<unknown>).size,
      };
    case 'sum':
      return {
        init: () => null,
        add: (s, r) =>
          r[c!] === null || r[c!] === undefined
            ? s
            : ((s as number | null) ?? 0) + (r[c!] as number),
        merge: (a, b) => (b === null ? a : a === null ? b : (a as number) + (b as number)),
        result: (s) => s,
      };
    case 'avg':
      return {
        init: () => [0, 0],
        add: (s, r) => {
          const v = r[c!];
          if (v === null || v === undefined) return s;
          const st = s as [number, number];
          st[0] += v as number;
          st[1] += 1;
          return st;
        },
        merge: (a, b) => {
          const x = a as [number, number];
          const y = b as [number, number];
          return [x[0] + y[0], x[1] + y[1]];
        },
        result: (s) => {
          const [sum, n] = s as [number, number];
          return n === 0 ? null : sum / n;
        },
      };
    case 'min':
    case 'max': {
      const better = a.fn === 'min' ? less : (x: unknown, y: unknown) => less(y, x);
      return {
        init: () => null,
        add: (s, r) => {
          const v = r[c!];
          if (v === null || v === undefined) return s;
          return s === null || better(v, s) ? v : s;
        },
        merge: (a, b) => (a === null ? b : b === null ? a : better(b, a) ? b : a),
        result: (s) => s,
      };
    }
    // `undefined`: no row yet; a NULL value is a value (Spark's first/last, ignorenulls=false).
    case 'first':
      return {
        init: () => undefined,
        add: (s, r) => (s === undefined ? (r[c!] ?? null) : s),
        merge: (a, b) => (a === undefined ? b : a),
        result: (s) => s ?? null,
      };
    case 'last':
      return {
        init: () => undefined,
        add: (_s, r) => r[c!] ?? null,
        merge: (a, b) => (b === undefined ? a : b),
        result: (s) => s ?? null,
      };
  }
}
