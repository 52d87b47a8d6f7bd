import type { AggregateNode } from '@pipekit/core';
import type { WatermarkView } from '../graph/event-time.js';
import type { JsonValue, Row } from '../row.js';
import type { GroupTable } from './group-table.js';
import { keyFunction } from './keys.js';
import { snapshotObject } from './state-codec.js';
import { eventTimeOf, type StatefulOperator, type StepResult } from './stateful-operator.js';
import { WindowSlots } from './window-slots.js';
import { lastWindowStart } from './windows.js';

/** How a streaming aggregate emits: closed windows once, changed groups, or everything. */
export type StreamingEmit = 'append' | 'update' | 'complete';

type TimeWindow = Extract<NonNullable<AggregateNode['window']>, { type: 'tumbling' | 'sliding' }>;

/**
 * Tumbling and sliding window aggregation on a stream, Spark's rules: windows aligned to the epoch
 * (start inclusive, end exclusive); with a watermark, a row's contribution to a window that ended
 * at or before the previous batch's watermark is late (judged per window, so a sliding row can be
 * late for one window and counted in another); after the batch's rows are added, windows ending at
 * or before the current watermark are emitted (append) and evicted (append, update). Complete mode
 * neither drops nor evicts. State: the groups are slots of one group table, found by `WindowSlots`;
 * a closed window's slots are freed at once and reused by the next.
 */
export class WindowAggregate implements StatefulOperator {
  private readonly slots: WindowSlots;
  private readonly table: GroupTable;
  private batch = 0;
  private readonly keyOf: (r: Row) => unknown;

  constructor(
    readonly stateId: string,
    private readonly node: AggregateNode & { window: TimeWindow },
    private readonly emit: StreamingEmit,
    /** Null without a watermark on the window column: nothing is late, nothing evicted. */
    private readonly wm: WatermarkView | null,
  ) {
    this.slots = new WindowSlots(node.aggregates, node.keys);
    this.table = this.slots.table;
    this.keyOf = keyFunction(node.keys);
  }

  process(rows: readonly Row[]): StepResult {
    const { window } = this.node;
    const size = window.size;
    const slide = window.type === 'sliding' ? window.slide : size;
    const col = window.column;
    const late: Row[] = [];
    const lateLimit =
      this.wm && this.emit !== 'complete' ? this.wm.lateWatermark : Number.NEGATIVE_INFINITY;
    const touched: number[] = [];
    const track = this.emit === 'update';
    const batch = ++this.batch;
    const { table, keyOf, slots } = this;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      const t = eventTimeOf(r[col]);
      if (t === null) continue;
      const k = keyOf(r);
      let dropped = false;
      for (let start = lastWindowStart(t, slide); start > t - size; start -= slide) {
        if (start + size <= lateLimit) {
          dropped = true;
          continue;
        }
        const s = slots.slotAt(k, start, r);
        table.add(s, r);
        if (track && slots.touch(s, batch)) touched.push(s);
      }
      if (dropped) late.push(r);
    }
    return { rows: this.output(touched), late };
  }

  private output(touched: readonly number[]): Row[] {
    const size = this.node.window.size;
    const out: Row[] = [];
    const windows = this.slots.windows;
    if (this.emit === 'complete') {
      for (const [start, groups] of windows) this.pushAll(out, start, groups.values());
      return out;
    }
    if (this.emit === 'update') {
      // Touched groups of one window share its two Dates, as in pushAll.
      const dates = new Map<number, readonly [Date, Date]>();
      for (const s of touched) {
        const start = this.slots.startOf(s);
        let d = dates.get(start);
        if (d === undefined) {
          d = [new Date(start), new Date(start + size)];
          dates.set(start, d);
        }
        out.push(this.table.row(s, d[0], d[1]));
      }
    }
    if (!this.wm) return out;
    const wm = this.wm.watermark;
    for (const [start, groups] of windows) {
      if (start + size > wm) continue;
      if (this.emit === 'append') this.pushAll(out, start, groups.values());
      this.slots.evict(start);
    }
    return out;
  }

  /** Rows of one window's groups; they share the window's two Dates (rows are not mutated). */
  private pushAll(out: Row[], start: number, slots: Iterable<number>): void {
    const ws = new Date(start);
    const we = new Date(start + this.node.window.size);
    for (const s of slots) out.push(this.table.row(s, ws, we));
  }

  /** Windows held, for metrics. */
  openWindows(): number {
    return this.slots.windows.size;
  }

  stateEntries(): number {
    return this.table.size;
  }

  stateBytes(): number {
    return this.slots.bytes();
  }

  snapshotState(): JsonValue {
    const windows: JsonValue[] = [];
    for (const [start, groups] of this.slots.windows)
      windows.push([start, [...groups.values()].map((s) => this.table.encode(s))]);
    return { windows };
  }

  restoreState(snapshot: JsonValue): void {
    const snap = snapshotObject(snapshot, this.stateId);
    this.slots.clear();
    for (const [start, groups] of snap.windows as readonly (readonly [number, JsonValue[]])[])
      for (const j of groups) {
        const s = this.table.decode(j);
        this.slots.restore(this.table.mapKeyOf(s), start, s);
      }
  }
}
