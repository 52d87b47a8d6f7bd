import { concatMap, type OperatorFunction } from 'rxjs';
import { type Batch, batchOf, type Epoch } from '../graph/batch.js';
import type { NodeMetrics } from '../metrics/node-metrics.js';
import type { Row } from '../row.js';
import type { StatefulOperator } from './stateful-operator.js';

/**
 * Runs a streaming stateful operator once per micro-batch: its output rows go on, its late rows
 * through the node's late policy (those the policy keeps become the batch's `late` side output),
 * and its state size goes to the node's metrics.
 */
export function statefulStep(
  op: StatefulOperator,
  onLate: (late: readonly Row[], epoch: Epoch) => Promise<readonly Row[]>,
  metrics: NodeMetrics,
): OperatorFunction<Batch, Batch> {
  return concatMap(async (b: Batch) => {
    const r = op.process(b.rows, b.epoch.time);
    metrics.stateRows = op.stateEntries();
    metrics.stateBytes = op.stateBytes();
    const late = r.late.length > 0 ? await onLate(r.late, b.epoch) : [];
    return late.length > 0 ? { ...batchOf(b.epoch, r.rows), late } : batchOf(b.epoch, r.rows);
  });
}
