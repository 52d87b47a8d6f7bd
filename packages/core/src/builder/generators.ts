import type { GeneratedColumnInput } from '../plan/sources/generate-source.js';

/** A generated column spec carrying the TypeScript type of its values (phantom). */
export type Gen<T> = GeneratedColumnInput & { readonly __value?: T };

export type GeneratedRow<C> = { -readonly [K in keyof C]: C[K] extends Gen<infer T> ? T : never };

/**
 * Column generators for `source.generate`: seeded, so every run gives the same rows.
 *
 * ```ts
 * source.generate({ limit: 1000, columns: { user: gen.key('user-', 100), amount: gen.uniform(1, 500), ts: gen.eventTime() } })
 * ```
 */
export const gen = {
  /** 0, 1, 2, ... */
  sequence: (): Gen<number> => ({ kind: 'sequence' }),
  /** `prefix` + one of `cardinality` ids: `user-17`. */
  key: (prefix: string, cardinality: number): Gen<string> => ({ kind: 'key', prefix, cardinality }),
  /** A number drawn uniformly from `min` to `max`: `gen.uniform(1, 500, { integer: true })`. */
  uniform: (
    min: number,
    max: number,
    options: {
      /** Whole numbers only. Default: `false`. */
      integer?: boolean;
    } = {},
  ): Gen<number> => ({
    kind: 'uniform',
    min,
    max,
    integer: options.integer ?? false,
  }),
  /** One of `values`, with `weights` when given: `gen.choice(['view', 'purchase'], [9, 1])`. */
  choice: <const V extends string>(values: readonly V[], weights?: readonly number[]): Gen<V> => ({
    kind: 'choice',
    values: [...values],
    ...(weights ? { weights: [...weights] } : {}),
  }),
  /** `true` with this probability: `gen.boolean(0.1)`. Default: 0.5. */
  boolean: (probability = 0.5): Gen<boolean> => ({ kind: 'boolean', probability }),
  /**
   * Event time advancing 1000/rowsPerSecond ms a row from `start`; `outOfOrderShare` of the rows
   * arrive up to `maxDelay` late.
   */
  eventTime: (
    options: {
      /** The first row's event time, ISO-8601. Default: `'2026-01-01T00:00:00.000Z'`. */
      start?: string;
      /** The share of rows (0 to 1) that arrive late. Default: 0. */
      outOfOrderShare?: number;
      /** How late a late row is at most: a duration. Default: 1 second. */
      maxDelay?: string | number;
    } = {},
  ): Gen<Date> => ({
    kind: 'eventTime',
    ...options,
  }),
};
