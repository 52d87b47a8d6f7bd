import type { TimeKeys } from '../schema/row-type.js';

/**
 * The event-time rules the types enforce: a window is on the watermark's column (or, without a
 * watermark, on a column given), and an aggregation can append only when a watermark makes its
 * results final. Each refusal's expected type is the rule and the fix.
 */

export interface WindowOptions<C extends string> {
  /** The event-time column: the watermark's column (the default), or any time column when there is no watermark. */
  readonly column?: C;
}

/** Why a window's column does not fit: it must be the one that carries the watermark. */
type WindowColumnMistake<C extends string, W extends string> = [W] extends [never]
  ? never
  : C extends W
    ? never
    : `the window's column ${C} has no watermark (it is on ${W}): window on ${W}, or put .watermark('${C}', delay) before the window`;

/**
 * A window's options: without a watermark the column must be given (any time column); with one,
 * the column is the watermark's, so a window is final once the watermark passes it.
 */
export type WindowArgs<R, W extends string, C extends string> = [W] extends [never]
  ? [
      options: {
        /** The event-time column (needed: there is no watermark): `{ column: 'eventTime' }`. */
        readonly column: C & TimeKeys<R>;
      },
    ]
  : [
      options?: WindowOptions<
        [WindowColumnMistake<C, W>] extends [never] ? C : WindowColumnMistake<C, W>
      >,
    ];

/**
 * An aggregation can append only when its results become final: its window is on the watermark's
 * column, or (without a window) the watermark's column is one of its keys, as in Spark.
 */
export type AggKind<W extends string, C extends string, Windowed extends boolean> = [W] extends [
  never,
]
  ? 'aggregated'
  : Windowed extends true
    ? 'aggregatedWithWatermark'
    : W extends C
      ? 'aggregatedWithWatermark'
      : 'aggregated';
