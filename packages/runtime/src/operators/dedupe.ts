import { defer, map, type Observable, type OperatorFunction } from 'rxjs';
import { type Batch, batchOf } from '../graph/batch.js';
import type { NodeMetrics } from '../metrics/node-metrics.js';
import type { Row } from '../row.js';
import { keyFunction } from './keys.js';

/** Drops rows whose key columns were seen before, in this batch or an earlier one. */
export function dedupeRows(
  columns: readonly string[],
  metrics: NodeMetrics,
): OperatorFunction<Batch, Batch> {
  return (input: Observable<Batch>) =>
    defer(() => {
      const seen = new Set<unknown>();
      const keyOf = keyFunction(columns);
      return input.pipe(
        map((b) => {
          const out: Row[] = [];
          for (const r of b.rows) {
            const k = keyOf(r);
            if (seen.has(k)) continue;
            seen.add(k);
            out.push(r);
          }
          metrics.stateRows = seen.size;
          return batchOf(b.epoch, out);
        }),
      );
    });
}
