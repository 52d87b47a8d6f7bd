import type { GeneratedColumn } from '@pipekit/core';

/** murmur3's finaliser: a fast, well-mixed 32-bit hash step. */
function mix(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const two32 = 4_294_967_296;

/** A hash of the seed and a row number: each row's randomness depends on nothing else. */
export function rowHash(seed: number, row: number): number {
  return mix(mix(seed ^ (row >>> 0)) ^ Math.floor(row / two32) ^ 0x9e3779b9);
}

/** One column's value for a row, from the row number and the row's hash. */
export type ValueOf = (row: number, hash: number) => unknown;

export interface GenerateTiming {
  /** Epoch ms of row 0's event time comes from the column; this is ms between rows. */
  readonly msPerRow: number;
}

/**
 * The value function of a generated column. Values depend only on (seed, column position, row
 * number), so any range of rows can be generated again, alone, with the same result.
 */
export function columnValues(
  c: GeneratedColumn,
  columnIndex: number,
  timing: GenerateTiming,
): ValueOf {
  const salt = mix(0x27d4eb2f + Math.imul(columnIndex + 1, 0x165667b1));
  const unit = (h: number) => mix(h ^ salt) / two32;
  const unit2 = (h: number) => mix(h ^ salt ^ 0x5bd1e995) / two32;
  switch (c.kind) {
    case 'sequence':
      return (row) => row;
    case 'key': {
      const cache: string[] = c.cardinality <= 1_000_000 ? new Array<string>(c.cardinality) : [];
      const cached = cache.length > 0;
      return (_row, h) => {
        const k = Math.floor(unit(h) * c.cardinality);
        if (!cached) return c.prefix + k;
        let s = cache[k];
        if (s === undefined) {
          s = c.prefix + k;
          cache[k] = s;
        }
        return s;
      };
    }
    case 'uniform': {
      const span = c.max - c.min;
      return c.integer
        ? (_row, h) => Math.floor(c.min + unit(h) * (span + 1))
        : (_row, h) => c.min + unit(h) * span;
    }
    case 'choice': {
      const weights = c.weights ?? c.values.map(() => 1);
      const total = weights.reduce((a, b) => a + b, 0);
      const cumulative: number[] = [];
      let acc = 0;
      for (const w of weights) {
        acc += w;
        cumulative.push(acc / total);
      }
      const last = c.values.length - 1;
      return (_row, h) => {
        const u = unit(h);
        for (let i = 0; i < last; i++) if (u < cumulative[i]!) return c.values[i];
        return c.values[last];
      };
    }
    case 'boolean':
      return (_row, h) => unit(h) < c.probability;
    case 'eventTime': {
      const start = Date.parse(c.start);
      const { msPerRow } = timing;
      return (row, h) => {
        const t = start + Math.floor(row * msPerRow);
        return new Date(
          c.outOfOrderShare > 0 && unit(h) < c.outOfOrderShare
            ? t - Math.floor(unit2(h) * c.maxDelay)
            : t,
        );
      };
    }
  }
}

/** Builds rows as object literals of one shape, so the engine keeps them monomorphic. */
export function rowFactory(
  names: readonly string[],
  values: readonly ValueOf[],
  seed: number,
): (row: number) => Record<string, unknown> {
  const body = `return (row) => { const h = hash(seed, row); return { ${names.map((n, i) => `${JSON.stringify(n)}: v[${i}](row, h)`).join(', ')} }; };\n//# sourceURL=pipekit-generate.js`;
  return new Function('v', 'hash', 'seed', body)(values, rowHash, seed) as (
    row: number,
  ) => Record<string, unknown>;
}
