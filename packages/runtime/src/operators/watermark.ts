import { map, type OperatorFunction } from 'rxjs';
import type { Batch } from '../graph/batch.js';
import type { EventTimeClock, WatermarkInput } from '../graph/event-time.js';
import type { NodeMetrics } from '../metrics/node-metrics.js';

/**
 * A `watermark` node: passes rows on and reports the largest event time of each batch to the
 * query's clock, which moves the watermark between batches (Spark: max event time − delay, the
 * minimum over inputs). Rows behind the watermark go on too: what is late is decided per window by
 * the stateful nodes after it. Its metric is the watermark in effect during the batch.
 */
export function trackWatermark(
  column: string,
  input: WatermarkInput,
  clock: EventTimeClock,
  metrics: NodeMetrics,
): OperatorFunction<Batch, Batch> {
  return map((b) => {
    let max = Number.NEGATIVE_INFINITY;
    for (const r of b.rows) {
      const v = r[column];
      const t = v instanceof Date ? v.getTime() : typeof v === 'number' ? v : Number.NaN;
      if (t > max) max = t;
    }
    input.observe(max);
    metrics.watermark = clock.watermark;
    return b;
  });
}
