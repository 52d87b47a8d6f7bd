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
  uniform: (min: number, max: number, options: { integer?: boolean } = {}): Gen<number> => ({
    kind: 'uniform',
    min,
    max,
    integer: options.integer ?? false,
  }),
  choice: <const V extends string>(values: readonly V[], weights?: readonly number[]): Gen<V> => ({
    kind: 'choice',
    values: [...values],
    ...(weights ? { weights: [...weights] } : {}),
  }),
  boolean: (probability = 0.5): Gen<boolean> => ({ kind: 'boolean', probability }),
  /**
   * Event time advancing 1000/rowsPerSecond ms a row from `start`; `outOfOrderShare` of the rows
   * arrive up to `maxDelay` late.
   */
  eventTime: (
    options: { start?: string; outOfOrderShare?: number; maxDelay?: string | number } = {},
  ): Gen<Date> => ({
    kind: 'eventTime',
    ...options,
  }),
};
