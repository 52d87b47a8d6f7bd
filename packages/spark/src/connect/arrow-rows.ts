import { tableFromIPC } from 'apache-arrow';
import type { ExecutePlanResponse } from '../gen/spark/connect/base_pb.js';

export type Row = Record<string, unknown>;

/** A value as the local runtime gives it: Dates for timestamps, numbers for 64-bit integers that fit. */
function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v;
  if (v !== null && typeof v === 'object' && 'toJSON' in v && !(v instanceof Date))
    return (v as { toJSON(): unknown }).toJSON();
  return v;
}

/**
 * The rows of a result: each `arrowBatch` response is an Arrow IPC stream (schema and one record
 * batch), decoded with apache-arrow. Timestamps come back as epoch milliseconds and become Dates.
 */
export function rowsOf(responses: readonly ExecutePlanResponse[]): Row[] {
  const rows: Row[] = [];
  for (const r of responses) {
    if (r.responseType.case !== 'arrowBatch') continue;
    const table = tableFromIPC(r.responseType.value.data);
    const fields = table.schema.fields;
    const timestamps = new Set(
      fields.filter((f) => String(f.type).startsWith('Timestamp')).map((f) => f.name),
    );
    const dates = new Set(
      fields.filter((f) => String(f.type).startsWith('Date')).map((f) => f.name),
    );
    for (const row of table) {
      const out: Row = {};
      for (const f of fields) {
        const v = (row as unknown as Record<string, unknown>)[f.name];
        if (v === null || v === undefined) out[f.name] = null;
        else if (timestamps.has(f.name) || dates.has(f.name))
          out[f.name] = new Date(Number(v as number | bigint));
        else out[f.name] = plain(v);
      }
      rows.push(out);
    }
  }
  return rows;
}
