import type { OperatorFunction } from 'rxjs';
import { map } from 'rxjs';
import { type Batch, batchOf } from '../graph/batch.js';
import type { Row } from '../row.js';

/** Keeps the rows for which the compiled predicate is TRUE. */
export function filterRows(keep: (row: Row) => boolean): OperatorFunction<Batch, Batch> {
  return map((b) => {
    const out: Row[] = [];
    const rows = b.rows;
    for (let i = 0; i < rows.length; i++) if (keep(rows[i]!)) out.push(rows[i]!);
    return batchOf(b.epoch, out);
  });
}
