import type { JsonValue } from '../row.js';
import type { Stateful } from '../state/stateful.js';

/**
 * The two watermarks a batch uses, as Spark 3.5+ does. `lateWatermark` is wm(N−1), the one the
 * previous batch evicted by: a row's contribution to a window that ended at or before it is late.
 * `watermark` is wm(N), in effect during the batch: windows ending at or before it close (append
 * emits them, every mode but complete evicts them) after the batch's rows were added.
 */
export interface WatermarkView {
  readonly lateWatermark: number;
  readonly watermark: number;
}

/**
 * One `watermark` node's view of its input: the largest event time seen. Its checkpoint state also
 * carries the query's watermarks, so a restarted query resumes with the same ones.
 */
export class WatermarkInput implements Stateful {
  /** Max event time seen (epoch ms); null before the first row with one. */
  max: number | null = null;
  /** Scheduler time of the last batch in which this input had rows. */
  lastActive = 0;
  private batchMax = Number.NEGATIVE_INFINITY;

  constructor(
    readonly stateId: string,
    readonly delay: number,
    readonly idleTimeout: number | undefined,
    private readonly clock: EventTimeClock,
  ) {}

  /** The largest event time of a batch's rows (−∞ when none had one). */
  observe(batchMax: number): void {
    if (batchMax > this.batchMax) this.batchMax = batchMax;
  }

  /** Folds the batch in: called once at the end of each batch. */
  endBatch(time: number): void {
    if (Number.isFinite(this.batchMax)) {
      this.max = this.max === null ? this.batchMax : Math.max(this.max, this.batchMax);
      this.lastActive = time;
    }
    this.batchMax = Number.NEGATIVE_INFINITY;
  }

  isIdle(time: number): boolean {
    return this.idleTimeout !== undefined && time - this.lastActive >= this.idleTimeout;
  }

  snapshotState(): JsonValue {
    return {
      max: this.max,
      lastActive: this.lastActive,
      watermark: this.clock.watermark,
      lateWatermark: this.clock.lateWatermark,
    };
  }

  restoreState(snapshot: JsonValue): void {
    const s = snapshot as {
      max: number | null;
      lastActive: number;
      watermark: number;
      lateWatermark: number;
    };
    this.max = s.max;
    this.lastActive = s.lastActive;
    this.clock.restore(s.watermark, s.lateWatermark);
  }

  stateEntries(): number {
    return 1;
  }
}

/**
 * A query's event-time clock, Spark's `WatermarkTracker` with the default `min` policy:
 * wm(0) = 0; after each batch, wm = max(wm, min over inputs of (max event time − delay)). Inputs
 * that have seen no row yet do not count, nor (with `idleTimeout`) inputs that have had no row for
 * that long, so an idle input does not hold results back forever; when every input is idle the
 * furthest one counts.
 */
export class EventTimeClock implements WatermarkView {
  lateWatermark = 0;
  watermark = 0;
  /** The watermark the last batch ran with (its eviction watermark). */
  private usedByLastBatch = 0;
  private readonly inputs: WatermarkInput[] = [];
  /** Stateful nodes that emit or evict by the watermark (they need no-data batches). */
  private consumers = 0;

  /** A `watermark` node's tracker. */
  input(nodeId: string, delay: number, idleTimeout: number | undefined): WatermarkInput {
    const i = new WatermarkInput(nodeId, delay, idleTimeout, this);
    this.inputs.push(i);
    return i;
  }

  /** A stateful node emits or evicts by the watermark: a moved watermark is worth a batch. */
  addConsumer(): void {
    this.consumers++;
  }

  get hasInputs(): boolean {
    return this.inputs.length > 0;
  }

  /** What the watermark would be now. */
  private next(time: number): number {
    const seen = this.inputs.filter((i) => i.max !== null);
    if (seen.length === 0) return this.watermark;
    const active = seen.filter((i) => !i.isIdle(time));
    const marks = (active.length > 0 ? active : seen).map((i) => i.max! - i.delay);
    const candidate = active.length > 0 ? Math.min(...marks) : Math.max(...marks);
    return Math.max(this.watermark, candidate);
  }

  /** After a batch: its watermark becomes the late one, and the next is computed from what it saw. */
  endBatch(time: number): void {
    for (const i of this.inputs) i.endBatch(time);
    this.usedByLastBatch = this.watermark;
    this.lateWatermark = this.watermark;
    this.watermark = this.next(time);
  }

  /**
   * Whether a batch without new data is due (Spark's no-data micro-batch): the watermark moved
   * past the one the last batch ran with, and some node emits or evicts by it. Idle inputs are
   * judged at `time`, so an input going idle can move the watermark without data.
   */
  wantsNoDataBatch(time: number): boolean {
    this.watermark = this.next(time);
    return this.consumers > 0 && this.watermark > this.usedByLastBatch;
  }

  /** From a checkpoint taken after a batch that ran with `lateWatermark`; they never go back. */
  restore(watermark: number, lateWatermark: number): void {
    if (watermark < this.watermark) return;
    this.watermark = watermark;
    this.lateWatermark = lateWatermark;
    this.usedByLastBatch = lateWatermark;
  }
}
