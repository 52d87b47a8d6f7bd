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
 * Rough bytes of one group in V8: the object and its fields, the keys and opaque-state arrays, the
 * map entry. An estimate for metrics, not a measurement (strings and sets are counted as pointers).
 */
export function approxGroupBytes(keys: number, fields: number, opaque: number): number {
  return 56 + 8 * (fields + 3) + (16 + 8 * keys) + (16 + 8 * opaque) + 40;
}

/** An output row: window columns (when windowed), the keys, then the aggregates. */
export function resultRow(
  window: readonly [number, number] | null,
  keyCols: readonly string[],
  keys: readonly unknown[],
  names: readonly string[],
  values: readonly unknown[],
): Row {
  const out: Row = {};
  if (window) {
    out.window_start = new Date(window[0]);
    out.window_end = new Date(window[1]);
  }
  for (let i = 0; i < keyCols.length; i++) out[keyCols[i]!] = keys[i];
  for (let i = 0; i < names.length; i++) out[names[i]!] = values[i];
  return out;
}
