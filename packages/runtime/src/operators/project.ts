import type { OperatorFunction } from 'rxjs';
import { map } from 'rxjs';
import { type Batch, batchOf } from '../graph/batch.js';
import type { Row } from '../row.js';
import { mapRows } from './projector.js';

/** Maps each row to a new row (select, withColumn, drop): the row function is built once. */
export function projectRows(fn: (row: Row) => Row): OperatorFunction<Batch, Batch> {
  return map((b) => batchOf(b.epoch, mapRows(b.rows, fn)));
}

/** withColumn when the input columns are not known: copy the row, then set the column. */
export function setColumn(name: string, fn: (row: Row) => unknown): (row: Row) => Row {
  return (r) => {
    const out = { ...r };
    out[name] = fn(r);
    return out;
  };
}

/** drop when the input columns are not known. */
export function withoutColumns(names: readonly string[]): (row: Row) => Row {
  return (r) => {
    const out = { ...r };
    for (const n of names) delete out[n];
    return out;
  };
}
