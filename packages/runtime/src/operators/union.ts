import { map, type Observable, zip } from 'rxjs';
import { type Batch, batchOf } from '../graph/batch.js';
import type { Row } from '../row.js';

/**
 * The rows of several inputs. Every node emits once per micro-batch, so zipping pairs the
 * inputs' batches of the same micro-batch and holds at most one batch per input.
 */
export function unionBatches(inputs: readonly Observable<Batch>[]): Observable<Batch> {
  return zip([...inputs]).pipe(
    map((bs) => {
      const rows: Row[] = [];
      for (const b of bs) for (const r of b.rows) rows.push(r);
      return batchOf(bs[0]!.epoch, rows);
    }),
  );
}
