import type { Offset } from '../connector.js';
import type { BadRecord, Row } from '../row.js';

/** One micro-batch of a query, as every node of the query sees it. */
export interface Epoch {
  readonly batchId: number;
  /** After this batch no source of the query has more rows: stateful nodes emit what they hold. */
  readonly final: boolean;
  /** The batch's instant (scheduler clock, epoch ms): `current_timestamp()` for the whole batch. */
  readonly time: number;
  /** The planned range of each source node, null when it has nothing in this batch. */
  readonly reads: ReadonlyMap<string, { readonly start: Offset; readonly end: Offset } | null>;
}

/**
 * What flows between nodes: one emission per node per micro-batch (never per row). `bad` holds the
 * records this node refused under a `sideOutput` policy, for its side-output stream.
 */
export interface Batch {
  readonly epoch: Epoch;
  readonly rows: readonly Row[];
  readonly bad: readonly BadRecord[];
  /** The rows a stateful node found behind the watermark under a `sideOutput` late policy. */
  readonly late?: readonly Row[];
}

const none: readonly BadRecord[] = Object.freeze([]);

export function batchOf(
  epoch: Epoch,
  rows: readonly Row[],
  bad: readonly BadRecord[] = none,
): Batch {
  return { epoch, rows, bad };
}
