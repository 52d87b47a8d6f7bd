import type { NodeProgress, QueryProgress } from '../progress/query-progress.js';
import type { CircuitEvent } from '../retry/circuit-breaker.js';

export type { NodeProgress, QueryProgress } from '../progress/query-progress.js';

/** Counters of one plan node, over the whole run and for the batch in flight. */
export class NodeMetrics {
  rowsIn = 0;
  rowsOut = 0;
  batchRowsIn = 0;
  batchRowsOut = 0;
  /** Bad records refused by this node (all policies); late rows are `lateRows`. */
  badRecords = 0;
  /** Refused rows dropped or logged (policy drop or log). */
  dropped = 0;
  /** Refused rows written to a dead-letter sink. */
  deadLettered = 0;
  /** Rows behind the watermark (stateful nodes), under any late policy. */
  lateRows = 0;
  /** Rows (or groups, keys) kept in the node's state. */
  stateRows = 0;
  /** Approximate bytes of the node's state (an estimate from its entries). */
  stateBytes = 0;
  /** The watermark in effect during the batch (epoch ms), for watermark nodes. */
  watermark: number | null = null;
  /** Time spent on the batch in flight (ms): see `NodeProgress.busyMs`. */
  batchBusyMs = 0;
  private inputAt = 0;

  constructor(
    readonly id: string,
    readonly kind: string,
    /** The user's `.as()` name, else the id. */
    readonly name: string = id,
  ) {}

  countIn(n: number): void {
    this.rowsIn += n;
    this.batchRowsIn += n;
  }

  countOut(n: number): void {
    this.rowsOut += n;
    this.batchRowsOut += n;
  }

  /** A batch arrived (the last input's arrival starts the node's work on it). */
  markInput(): void {
    this.inputAt = performance.now();
  }

  /** The node emitted its batch. */
  markOutput(): void {
    this.batchBusyMs += performance.now() - this.inputAt;
  }

  resetBatch(): void {
    this.batchRowsIn = 0;
    this.batchRowsOut = 0;
    this.batchBusyMs = 0;
  }
}

export function nodeProgress(m: NodeMetrics, durationMs: number): NodeProgress {
  return {
    id: m.id,
    kind: m.kind,
    name: m.name,
    rowsIn: m.batchRowsIn,
    rowsOut: m.batchRowsOut,
    rowsPerSecond: durationMs > 0 ? Math.round((m.batchRowsOut * 1000) / durationMs) : 0,
    totalRowsIn: m.rowsIn,
    totalRowsOut: m.rowsOut,
    badRecords: m.badRecords,
    dropped: m.dropped,
    deadLettered: m.deadLettered,
    lateRows: m.lateRows,
    stateRows: m.stateRows,
    stateBytes: m.stateBytes,
    watermark: m.watermark === null ? null : new Date(m.watermark).toISOString(),
    busyMs: Math.round(m.batchBusyMs * 1000) / 1000,
  };
}

/** Receives progress: a TTY line, Prometheus gauges, JSON lines, a test. */
export interface MetricsListener {
  onProgress(progress: QueryProgress): void;
  /** A sink's circuit breaker changed state (opened, probing, closed). */
  onCircuit?(event: SinkCircuitEvent): void;
  /** The run ended (completed, stopped or failed). */
  close?(): void | Promise<void>;
}

/** A sink's circuit state change, with where it happened. */
export interface SinkCircuitEvent extends Omit<CircuitEvent, 'error'> {
  readonly pipeline: string;
  readonly queryId: string;
  /** The sink node id. */
  readonly node: string;
  /** The message of the error that opened the circuit or kept it open. */
  readonly error?: string;
}
