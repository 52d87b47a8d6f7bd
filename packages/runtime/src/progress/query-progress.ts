/**
 * A query's progress after one micro-batch, as plain data any engine can produce: the local
 * runtime builds it after each batch, and an engine that runs elsewhere (Spark) can build it from
 * its own report (`StreamingQueryProgress`: `numInputRows`, `inputRowsPerSecond`,
 * `processedRowsPerSecond`, `eventTime`, `batchDuration`...). The TTY line, the JSON lines and the
 * Prometheus gauges are functions of it alone.
 */

/** A node in a progress report (local runtime: every plan node; other engines may list none). */
export interface NodeProgress {
  readonly id: string;
  readonly kind: string;
  /** The user's `.as()` name, else the id. */
  readonly name?: string;
  readonly rowsIn: number;
  readonly rowsOut: number;
  /** Rows out of this node per second of the batch's processing time. */
  readonly rowsPerSecond: number;
  readonly totalRowsIn: number;
  readonly totalRowsOut: number;
  readonly badRecords: number;
  readonly dropped: number;
  readonly deadLettered: number;
  readonly lateRows: number;
  readonly stateRows: number;
  readonly stateBytes: number;
  readonly watermark: string | null;
  /**
   * Time the node spent on this batch (ms): from its last input's arrival to its output (for a
   * source, its read; for a sink, its write). Absent when the engine cannot tell.
   */
  readonly busyMs?: number;
}

/**
 * A node's record with nothing counted yet, and `fields` over it: for an engine that learns a
 * node's figures one by one (Spark's progress names only some nodes).
 */
export function emptyNodeProgress(
  id: string,
  kind: string,
  fields: Partial<NodeProgress> = {},
): NodeProgress {
  return {
    id,
    kind,
    rowsIn: 0,
    rowsOut: 0,
    rowsPerSecond: 0,
    totalRowsIn: 0,
    totalRowsOut: 0,
    badRecords: 0,
    dropped: 0,
    deadLettered: 0,
    lateRows: 0,
    stateRows: 0,
    stateBytes: 0,
    watermark: null,
    ...fields,
  };
}

/** One source in a batch: Spark's `SourceProgress`, with what limits it. */
export interface SourceProgress {
  /** The plan node id. */
  readonly id: string;
  /** The user's `.as()` name, else the id. */
  readonly name: string;
  /** What it reads: `generate`, `kafka topic clicks`. */
  readonly description: string;
  /** Rows read in this batch (bad records included). */
  readonly numInputRows: number;
  /** Rows read per second since the previous batch started (Spark's `inputRowsPerSecond`). */
  readonly inputRowsPerSecond: number;
  /** Rows read per second of this batch's processing time (Spark's `processedRowsPerSecond`). */
  readonly processedRowsPerSecond: number;
  /** Rows the source had beyond this batch's end; null when it cannot tell. */
  readonly backlogRows: number | null;
  /** The source option that capped this batch (`batchSize`, `maxOffsetsPerTrigger`); null if none did. */
  readonly limitedBy: string | null;
  /** Where this batch's read started and ended, as the source's own offsets (Spark's `startOffset`, `endOffset`); absent when the engine cannot tell, null when the source had nothing. */
  readonly startOffset?: unknown;
  readonly endOffset?: unknown;
}

/** Event time after a batch (Spark's `eventTime`), with the two lags a person watches. */
export interface EventTimeProgress {
  /** The largest event time seen so far (ISO); null before the first. */
  readonly max: string | null;
  /** The watermark for the next batch (ISO). */
  readonly watermark: string | null;
  /** Wall clock − max event time (ms): how far behind real time the data is. */
  readonly lagMs: number | null;
  /** Max event time − watermark (ms): how long a window waits after its end to close. */
  readonly watermarkDelayMs: number | null;
}

/**
 * One expectation rule after a batch: rows that passed and failed it, in the batch and over the
 * run (a row failing several rules counts against each).
 */
export interface ExpectationProgress {
  /** The expect step's node id. */
  readonly node: string;
  readonly rule: string;
  readonly onFailure: 'warn' | 'drop' | 'deadLetter' | 'fail';
  /** This batch. */
  readonly passed: number;
  readonly failed: number;
  /** The whole run. */
  readonly totalPassed: number;
  readonly totalFailed: number;
}

/**
 * A sink's circuit breaker after a batch. While a circuit is open no batch ends, so the live
 * state comes as events (`MetricsListener.onCircuit`); the record says how the batch's writes went.
 */
export interface CircuitProgress {
  /** The sink's node id. */
  readonly node: string;
  /** The user's `.as()` name, else the id. */
  readonly name: string;
  readonly state: 'closed' | 'open' | 'halfOpen';
  /** Failed writes in a row (0 once closed). */
  readonly consecutiveFailures: number;
  /** Times the circuit opened over the run. */
  readonly opened: number;
}

/** One finished micro-batch of a query: Spark's `StreamingQueryProgress`, smaller. */
export interface QueryProgress {
  readonly pipeline: string;
  readonly queryId: string;
  readonly batchId: number;
  /** When the batch started (ISO, scheduler clock). */
  readonly timestamp: string;
  /** The batch's processing time (Spark's `batchDuration`). */
  readonly durationMs: number;
  /** The trigger's interval (`every(...)`); null for triggers without one. */
  readonly triggerIntervalMs: number | null;
  readonly numInputRows: number;
  /** Rows read per second since the previous batch started. */
  readonly inputRowsPerSecond: number;
  readonly processedRowsPerSecond: number;
  /** Rows read from sources and not yet written by every sink when the batch ended (0 when idle). */
  readonly bufferedRows: number;
  readonly sources: readonly SourceProgress[];
  /** Null when the query has no watermark. */
  readonly eventTime: EventTimeProgress | null;
  readonly nodes: readonly NodeProgress[];
  /** Per expectation rule; absent when the query has no expect steps (or the engine cannot count). */
  readonly expectations?: readonly ExpectationProgress[];
  /** Per sink with a circuit breaker; absent when the engine has none. */
  readonly circuits?: readonly CircuitProgress[];
  /** The query's checkpoint; absent when it has none. */
  readonly checkpoint?: CheckpointProgress;
}

/** A query's checkpoint when a batch's record is made (before that batch's commit). */
export interface CheckpointProgress {
  /** The checkpoint directory. */
  readonly path: string;
  /** The newest batch committed so far; null before the first. */
  readonly lastCommittedBatchId: number | null;
}

/** Rows per second, rounded; 0 for an empty interval. */
export function perSecond(rows: number, ms: number): number {
  return ms > 0 ? Math.round((rows * 1000) / ms) : 0;
}

/** The event-time part of a progress record from epoch-ms values. */
export function eventTimeProgress(
  now: number,
  maxEventTime: number | null,
  watermark: number | null,
): EventTimeProgress {
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  return {
    max: iso(maxEventTime),
    watermark: iso(watermark),
    lagMs: maxEventTime === null ? null : now - maxEventTime,
    watermarkDelayMs: maxEventTime === null || watermark === null ? null : maxEventTime - watermark,
  };
}
