import type { Udf } from '@pipekit/core';
import { concatMap, type OperatorFunction } from 'rxjs';
import type { ToRowResult } from '../connector.js';
import { messageOf } from '../errors.js';
import { type Batch, batchOf, type Epoch } from '../graph/batch.js';
import { type BadRecord, type Row, recordText } from '../row.js';

/**
 * Runs a local JavaScript function over each row. A row whose function throws, or returns
 * something that is not a row of the declared schema, is a bad record (with the error message and
 * the row's position in the batch); the rest go on.
 */
export function mapUdf(
  nodeId: string,
  fn: Udf,
  toRow: (record: unknown, position: string) => ToRowResult,
  onBad: (bad: readonly BadRecord[], epoch: Epoch) => Promise<readonly BadRecord[]>,
): OperatorFunction<Batch, Batch> {
  return concatMap(async (b) => {
    const out: Row[] = [];
    const bad: BadRecord[] = [];
    const rows = b.rows;
    for (let i = 0; i < rows.length; i++) {
      const position = `batch ${b.epoch.batchId} row ${i}`;
      let result: unknown;
      try {
        result = fn(rows[i] as never);
      } catch (e) {
        bad.push({
          reason: `the function threw: ${messageOf(e)}`,
          node: nodeId,
          position,
          record: recordText(rows[i]),
        });
        continue;
      }
      const r = toRow(result, position);
      if (r.ok) out.push(r.row);
      else
        bad.push({
          ...r.bad,
          reason: `the function returned a bad row: ${r.bad.reason}`,
          record: recordText(rows[i]),
        });
    }
    return batchOf(b.epoch, out, await onBad(bad, b.epoch));
  });
}
