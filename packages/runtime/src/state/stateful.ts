import type { JsonValue } from '../row.js';
/** An operator whose state must survive a restart: snapshot after each batch, restore before the first. */
export interface Stateful {
  /** A stable id for the state in the checkpoint: the plan node id. */
  readonly stateId: string;
  /** The whole state as JSON (Dates as epoch ms); called after a batch is committed. */
  snapshotState(): JsonValue;
  /** Replaces the state with a snapshot; called before the first batch of a restarted query. */
  restoreState(snapshot: JsonValue): void;
  /** Approximate state size, for metrics: entries held. */
  stateEntries(): number;
}
