import { map, type OperatorFunction } from 'rxjs';
import type { Batch } from '../graph/batch.js';
import type { NodeMetrics } from '../metrics/node-metrics.js';

/**
 * Tracks the watermark (max event time seen − delay) for metrics and passes rows on. On a bounded
 * input that is all a watermark does: every row is on time when the whole input is seen.
 */
export function trackWatermark(
  column: string,
  delay: number,
  metrics: NodeMetrics,
): OperatorFunction<Batch, Batch> {
  let max = Number.NEGATIVE_INFINITY;
  return map((b) => {
    for (const r of b.rows) {
      const v = r[column];
      const t =
        v instanceof Date ? v.getTime() : typeof v === 'number' ? v : Number.NEGATIVE_INFINITY;
      if (t > max) max = t;
    }
    if (Number.isFinite(max)) metrics.watermark = max - delay;
    return b;
  });
}
