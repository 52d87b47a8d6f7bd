import type { Policy } from '@pipekit/core';
import type { Epoch } from '../graph/batch.js';
import { type BadRecord, type Row, recordText } from '../row.js';
import { type BadRecordContext, badRecordHandler } from './bad-records.js';

/**
 * Applies a stateful node's late policy to the rows it found behind the watermark in one batch,
 * and returns those that go on as its `lateRows()` side output. Every late row is counted
 * (`lateRows`); `drop`, `log` (rate-limited), `deadLetter` (with its reason) and `fail` work as for
 * bad records.
 */
export function lateRowHandler(
  policy: Policy,
  ctx: BadRecordContext,
  /** The watermark the rows were judged by, for the reason. */
  watermark: () => number,
): (late: readonly Row[], epoch: Epoch) => Promise<readonly Row[]> {
  const onLate = badRecordHandler(policy, ctx, 'late row');
  const none: readonly Row[] = [];
  return async (late, epoch) => {
    if (late.length === 0) return none;
    ctx.metrics.lateRows += late.length;
    if (policy.type === 'sideOutput') return late;
    const reason = `late: behind the watermark ${new Date(watermark()).toISOString()} for a closed window`;
    const records: BadRecord[] = late.map((r, i) => ({
      reason,
      node: ctx.metrics.id,
      position: `batch ${epoch.batchId} late row ${i}`,
      record: recordText(r),
    }));
    await onLate(records, epoch);
    return none;
  };
}
