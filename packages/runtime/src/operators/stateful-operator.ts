import type { Row } from '../row.js';
import type { Stateful } from '../state/stateful.js';

/** What a stateful node gives for one batch: rows to emit, and the input rows it found late. */
export interface StepResult {
  readonly rows: Row[];
  readonly late: Row[];
}

/**
 * A streaming stateful node (windowed or grouped aggregate, dedupe): state that lives across
 * batches, can be snapshotted, and is evicted by the watermark or a timeout.
 */
export interface StatefulOperator extends Stateful {
  /** Adds a batch's rows to the state, emits, evicts. `time` is the batch's scheduler instant. */
  process(rows: readonly Row[], time: number): StepResult;
  /** Approximate bytes the state holds, for metrics. */
  stateBytes(): number;
}

/** Event time of a value in ms: a Date or epoch millis; null otherwise. */
export function eventTimeOf(v: unknown): number | null {
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  return null;
}

/**
 * Rough bytes a Map entry from a group's key to its slot takes in V8 (key, value, chain link, its
 * share of the bucket array, at the load the table grows at). An estimate for metrics.
 */
export const MAP_ENTRY_BYTES = 40;
