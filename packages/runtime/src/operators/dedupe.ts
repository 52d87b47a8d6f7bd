import { defer, map, type Observable, type OperatorFunction } from 'rxjs';
import { type Batch, batchOf } from '../graph/batch.js';
import type { WatermarkView } from '../graph/event-time.js';
import type { NodeMetrics } from '../metrics/node-metrics.js';
import type { JsonValue, Row } from '../row.js';
import { keyFunction } from './keys.js';
import { decodeValue, encodeValue, snapshotObject } from './state-codec.js';
import { eventTimeOf, type StatefulOperator, type StepResult } from './stateful-operator.js';

/** Drops rows whose key columns were seen before, in this batch or an earlier one (bounded input). */
export function dedupeRows(
  columns: readonly string[],
  metrics: NodeMetrics,
): OperatorFunction<Batch, Batch> {
  return (input: Observable<Batch>) =>
    defer(() => {
      const seen = new Set<unknown>();
      const keyOf = keyFunction(columns);
      return input.pipe(
        map((b) => {
          const out: Row[] = [];
          for (const r of b.rows) {
            const k = keyOf(r);
            if (seen.has(k)) continue;
            seen.add(k);
            out.push(r);
          }
          metrics.stateRows = seen.size;
          return batchOf(b.epoch, out);
        }),
      );
    });
}

/** The watermark a streaming dedupe works within: its column and delay. */
export interface DedupeWatermark {
  readonly column: string;
  readonly delay: number;
  readonly wm: WatermarkView;
}

/**
 * Dedupe on a stream, Spark's `dropDuplicates` with a watermark. A key is remembered until the
 * watermark passes its expiry, then forgotten (a later row with it could only be late):
 * - when the event-time column is one of the dedupe columns, the expiry is that event time;
 * - otherwise (within the watermark, Spark's `dropDuplicatesWithinWatermark`), it is the first
 *   row's event time + the watermark delay: duplicates arriving within the delay are dropped.
 * A row whose event time is at or before the previous batch's watermark is late. Without a
 * watermark every key is kept forever.
 */
export class StreamingDedupe implements StatefulOperator {
  /** Key → expiry (epoch ms; +∞ without a watermark), and the first row's key values. */
  private readonly seen = new Map<unknown, { expires: number; values: readonly unknown[] }>();
  private readonly keyOf: (r: Row) => unknown;

  constructor(
    readonly stateId: string,
    private readonly columns: readonly string[],
    private readonly watermark: DedupeWatermark | null,
  ) {
    this.keyOf = keyFunction(columns);
  }

  process(rows: readonly Row[]): StepResult {
    const out: Row[] = [];
    const late: Row[] = [];
    const w = this.watermark;
    const extra = w && !this.columns.includes(w.column) ? w.delay : 0;
    for (const r of rows) {
      let expires = Number.POSITIVE_INFINITY;
      if (w) {
        const t = eventTimeOf(r[w.column]);
        if (t !== null && t <= w.wm.lateWatermark) {
          late.push(r);
          continue;
        }
        if (t !== null) expires = t + extra;
      }
      const k = this.keyOf(r);
      if (this.seen.has(k)) continue;
      this.seen.set(k, { expires, values: this.columns.map((c) => r[c] ?? null) });
      out.push(r);
    }
    if (w) for (const [k, e] of this.seen) if (e.expires <= w.wm.watermark) this.seen.delete(k);
    return { rows: out, late };
  }

  stateEntries(): number {
    return this.seen.size;
  }

  stateBytes(): number {
    return this.seen.size * (120 + 16 * this.columns.length);
  }

  snapshotState(): JsonValue {
    return {
      keys: [...this.seen.values()].map((e) => [
        Number.isFinite(e.expires) ? e.expires : null,
        encodeValue(e.values),
      ]),
    };
  }

  restoreState(snapshot: JsonValue): void {
    const s = snapshotObject(snapshot, this.stateId);
    this.seen.clear();
    for (const [expires, values] of s.keys as readonly (readonly [number | null, JsonValue])[]) {
      const v = decodeValue(values) as unknown[];
      const row: Row = {};
      this.columns.forEach((c, i) => {
        row[c] = v[i];
      });
      this.seen.set(this.keyOf(row), {
        expires: expires ?? Number.POSITIVE_INFINITY,
        values: v,
      });
    }
  }
}
