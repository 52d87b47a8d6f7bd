/**
 * The start (epoch ms) of the last tumbling or sliding window holding instant `t`: windows are
 * aligned to the epoch, as Spark's, so it is `t` rounded down to a multiple of `slide` (the size,
 * for a tumbling window). The row's other windows start `slide`, `2 × slide`, … earlier, while
 * they still end after `t`.
 *
 * A floor division, not `%`: on epoch milliseconds (not small integers) `%` is a call to fmod,
 * about three times as slow, and this runs once a row. Exact for every |t| < 2^52 ms: the quotient's
 * rounding error stays far below 1/slide, so the floor is right at and just below each multiple.
 */
export function lastWindowStart(t: number, slide: number): number {
  return slide * Math.floor(t / slide);
}
