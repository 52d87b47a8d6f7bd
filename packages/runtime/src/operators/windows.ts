/**
 * The start (epoch ms) of the last tumbling or sliding window holding instant `t`: windows are
 * aligned to the epoch, as Spark's, so it is `t` rounded down to a multiple of `slide` (the size,
 * for a tumbling window). The row's other windows start `slide`, `2 × slide`, … earlier, while
 * they still end after `t`.
 */
export function lastWindowStart(t: number, slide: number): number {
  return t - (((t % slide) + slide) % slide);
}
