import type { AggregateSpec } from '@pipekit/core';
import type { Row } from '../row.js';

/**
 * One aggregate function over a group's rows, Spark's semantics: NULLs are skipped; sum, avg,
 * min, max, first, last of no non-NULL value are NULL; count(*) counts rows, count(col) non-NULLs.
 */
export interface Aggregator {
  init(): unknown;
  /** The new state after one row. */
  add(state: unknown, row: Row): unknown;
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
        ? { init: () => 0, add: (s) => (s as number) + 1, result: (s) => s }
        : {
            init: () => 0,
            add: (s, r) => (r[c] === null || r[c] === undefined ? s : (s as number) + 1),
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
        result: (s) => (s as Set<unknown>).size,
      };
    case 'sum':
      return {
        init: () => null,
        add: (s, r) =>
          r[c!] === null || r[c!] === undefined
            ? s
            : ((s as number | null) ?? 0) + (r[c!] as number),
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
        result: (s) => s,
      };
    }
    case 'first':
      return {
        init: () => undefined,
        add: (s, r) => (s === undefined && r[c!] !== null && r[c!] !== undefined ? r[c!] : s),
        result: (s) => s ?? null,
      };
    case 'last':
      return {
        init: () => null,
        add: (s, r) => (r[c!] === null || r[c!] === undefined ? s : r[c!]),
        result: (s) => s,
      };
  }
}
