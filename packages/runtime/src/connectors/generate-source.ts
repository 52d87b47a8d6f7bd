import type { GenerateSourceSpec } from '@pipekit/core';
import type {
  Offset,
  ReadLimits,
  SourceBacklog,
  SourceContext,
  SourceReader,
} from '../connector.js';
import { sleep } from '../driver/trigger-loop.js';
import type { MaybePromise, Row } from '../row.js';
import { columnValues, rowFactory } from './generate-values.js';

/**
 * Seeded synthetic rows (Spark's rate source, with columns). The offset is the next row number;
 * rows are a pure function of (seed, row number), so a replayed range gives the same rows.
 * With `rowsPerSecond`, row n becomes available n/rowsPerSecond seconds after the reader starts
 * (on the injected scheduler's clock) and its event time advances at the same rate.
 */
export class GenerateReader implements SourceReader {
  private makeRow: (row: number) => Row;
  private readonly startedAt: number;
  /** Under `availableNow`: the row count fixed when the trigger started. */
  private cap: number | undefined;
  private capPending = false;

  constructor(
    private readonly spec: GenerateSourceSpec,
    private readonly ctx: SourceContext,
  ) {
    const names = Object.keys(spec.columns);
    const timing = { msPerRow: spec.rowsPerSecond ? 1000 / spec.rowsPerSecond : 1 };
    const values = names.map((n, i) => columnValues(spec.columns[n]!, i, timing));
    this.makeRow = rowFactory(names, values, spec.seed);
    this.startedAt = ctx.scheduler.now();
  }

  /**
   * Column pruning: generate only these columns (nothing downstream reads the others). Each
   * column keeps its own values, which depend on its position in the spec, not on the others.
   */
  keepColumns(keep: ReadonlySet<string>): void {
    const names = Object.keys(this.spec.columns);
    const timing = { msPerRow: this.spec.rowsPerSecond ? 1000 / this.spec.rowsPerSecond : 1 };
    const kept = names.filter((n) => keep.has(n));
    if (kept.length === names.length) return;
    const values = kept.map((n) => columnValues(this.spec.columns[n]!, names.indexOf(n), timing));
    this.makeRow = rowFactory(kept, values, this.spec.seed);
  }

  initialOffset(): Offset {
    return 0;
  }

  /** Rows that exist by now: all of them when unthrottled. */
  private available(): number {
    const limit = this.spec.limit ?? Number.POSITIVE_INFINITY;
    if (this.spec.rowsPerSecond === undefined) return limit;
    const elapsed = Math.max(0, this.ctx.scheduler.now() - this.startedAt);
    return Math.min(limit, Math.floor((elapsed * this.spec.rowsPerSecond) / 1000));
  }

  planBatch(start: Offset, limits: ReadLimits): MaybePromise<Offset | null> {
    const from = start as number;
    if (this.capPending) {
      // A bounded source ends the query by itself: all of it counts as available, also the rows
      // its rate has not produced yet. An unbounded one: what has arrived by now.
      this.cap =
        this.spec.limit ??
        (Number.isFinite(this.available()) ? this.available() : from + this.spec.batchSize);
      this.capPending = false;
    }
    // availableNow on a bounded source with a rate: whole batches, waiting for rows the rate has
    // not produced yet (null would end the query before its input ends).
    if (this.cap !== undefined && this.spec.limit !== undefined && this.spec.rowsPerSecond)
      return this.waitForRows(from, limits);
    return this.endOf(from, limits);
  }

  /** The end of the next batch from what exists by now (and the availableNow cap); null if none. */
  private endOf(from: number, limits: ReadLimits): number | null {
    const upTo = Math.min(this.available(), this.cap ?? Number.POSITIVE_INFINITY);
    let size = limits.allAvailable ? upTo - from : this.spec.batchSize;
    if (!Number.isFinite(size)) size = this.spec.batchSize;
    if (limits.maxRows !== undefined) size = Math.min(size, limits.maxRows);
    const end = Math.min(upTo, from + size);
    return end > from ? end : null;
  }

  /** Waits (on the scheduler's clock) until a whole batch from `from` exists, or the run stops. */
  private async waitForRows(from: number, limits: ReadLimits): Promise<number | null> {
    const size = Math.min(this.spec.batchSize, limits.maxRows ?? Number.POSITIVE_INFINITY);
    const want = Math.min(from + size, this.cap!);
    // Row n exists n/rowsPerSecond s after the start; a millisecond more if rounding says not yet.
    let dueAt = this.startedAt + Math.ceil((want * 1000) / this.spec.rowsPerSecond!);
    while (this.available() < want && !this.ctx.signal.aborted) {
      await sleep(this.ctx.scheduler, dueAt - this.ctx.scheduler.now(), this.ctx.signal);
      dueAt++;
    }
    return this.endOf(from, limits);
  }

  /**
   * Rows the rate has produced beyond `end`: with `rowsPerSecond`, a batch takes at most
   * `batchSize` of them, so when the rate outruns the trigger they pile up (and event time, which
   * advances with the rows, falls behind the clock). Null when unthrottled: every row always exists.
   */
  backlog(end: Offset): SourceBacklog | null {
    if (this.spec.rowsPerSecond === undefined) return null;
    const rows = Math.max(0, this.available() - (end as number));
    return { rows, limitedBy: rows > 0 ? 'batchSize' : null };
  }

  readBatch(start: Offset, end: Offset): { rows: Row[] } {
    const from = start as number;
    const to = end as number;
    const rows = new Array<Row>(to - from);
    const make = this.makeRow;
    for (let i = from; i < to; i++) rows[i - from] = make(i);
    return { rows };
  }

  commit(): void {}

  isExhausted(offset: Offset): boolean {
    return this.spec.limit !== undefined && (offset as number) >= this.spec.limit;
  }

  prepareForAvailableNow(): void {
    this.capPending = true;
  }

  close(): void {}
}
