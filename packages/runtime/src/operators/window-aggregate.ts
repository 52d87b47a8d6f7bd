import type { AggregateNode } from '@pipekit/core';
import type { WatermarkView } from '../graph/event-time.js';
import type { JsonValue, Row } from '../row.js';
import { decodeGroup, encodeGroup } from './group-codec.js';
import { type GroupState, type GroupUpdater, groupUpdater } from './group-update.js';
import { keyFunction } from './keys.js';
import { snapshotObject } from './state-codec.js';
import {
  approxGroupBytes,
  eventTimeOf,
  type StatefulOperator,
  type StepResult,
} from './stateful-operator.js';

/** How a streaming aggregate emits: closed windows once, changed groups, or everything. */
export type StreamingEmit = 'append' | 'update' | 'complete';

type TimeWindow = Extract<NonNullable<AggregateNode['window']>, { type: 'tumbling' | 'sliding' }>;

/** A (window, keys) group: the running aggregate, its window start, the batch that last touched it. */
type WindowGroup = GroupState & { ws: number; tb: number };

/**
 * Tumbling and sliding window aggregation on a stream, Spark's rules: windows aligned to the epoch
 * (start inclusive, end exclusive); with a watermark, a row's contribution to a window that ended
 * at or before the previous batch's watermark is late (judged per window, so a sliding row can be
 * late for one window and counted in another); after the batch's rows are added, windows ending at
 * or before the current watermark are emitted (append) and evicted (append, update). Complete mode
 * neither drops nor evicts. State: window start → keys → group, so a closed window goes at once.
 */
export class WindowAggregate implements StatefulOperator {
  private readonly windows = new Map<number, Map<unknown, WindowGroup>>();
  private entries = 0;
  private batch = 0;
  private readonly updater: GroupUpdater;
  private readonly keyOf: (r: Row) => unknown;
  private readonly bytesPerGroup: number;
  private readonly makeRow: ReturnType<GroupUpdater['rowMaker']>;

  constructor(
    readonly stateId: string,
    private readonly node: AggregateNode & { window: TimeWindow },
    private readonly emit: StreamingEmit,
    /** Null without a watermark on the window column: nothing is late, nothing evicted. */
    private readonly wm: WatermarkView | null,
  ) {
    this.updater = groupUpdater(node.aggregates);
    this.keyOf = keyFunction(node.keys);
    this.makeRow = this.updater.rowMaker(node.keys, true);
    this.bytesPerGroup = approxGroupBytes(
      node.keys.length,
      this.updater.fields.length + 2,
      node.aggregates.length,
    );
  }

  process(rows: readonly Row[]): StepResult {
    const { window, keys: keyCols } = this.node;
    const size = window.size;
    const slide = window.type === 'sliding' ? window.slide : size;
    const col = window.column;
    const late: Row[] = [];
    const lateLimit =
      this.wm && this.emit !== 'complete' ? this.wm.lateWatermark : Number.NEGATIVE_INFINITY;
    const touched: WindowGroup[] = [];
    const track = this.emit === 'update';
    const batch = ++this.batch;
    const { add, init } = this.updater;
    let cachedStart = Number.NaN;
    let cached: Map<unknown, WindowGroup> | undefined;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      const t = eventTimeOf(r[col]);
      if (t === null) continue;
      const k = this.keyOf(r);
      let dropped = false;
      for (let start = t - (((t % slide) + slide) % slide); start > t - size; start -= slide) {
        if (start + size <= lateLimit) {
          dropped = true;
          continue;
        }
        if (start !== cachedStart) {
          cachedStart = start;
          cached = this.windows.get(start);
          if (cached === undefined) {
            cached = new Map();
            this.windows.set(start, cached);
          }
        }
        let g = cached!.get(k);
        if (g === undefined) {
          g = init(keyCols.map((c) => r[c] ?? null)) as WindowGroup;
          g.ws = start;
          g.tb = 0;
          cached!.set(k, g);
          this.entries++;
        }
        add(g, r);
        if (track && g.tb !== batch) {
          g.tb = batch;
          touched.push(g);
        }
      }
      if (dropped) late.push(r);
    }
    return { rows: this.output(touched), late };
  }

  private output(touched: readonly WindowGroup[]): Row[] {
    const size = this.node.window.size;
    const out: Row[] = [];
    if (this.emit === 'complete') {
      for (const [start, groups] of this.windows) this.pushAll(out, start, groups.values());
      return out;
    }
    if (this.emit === 'update') for (const g of touched) this.pushAll(out, g.ws, [g]);
    if (!this.wm) return out;
    const wm = this.wm.watermark;
    for (const [start, groups] of this.windows) {
      if (start + size > wm) continue;
      if (this.emit === 'append') this.pushAll(out, start, groups.values());
      this.entries -= groups.size;
      this.windows.delete(start);
    }
    return out;
  }

  /** Rows of one window's groups; they share the window's two Dates (rows are not mutated). */
  private pushAll(out: Row[], start: number, groups: Iterable<WindowGroup>): void {
    const ws = new Date(start);
    const we = new Date(start + this.node.window.size);
    for (const g of groups) out.push(this.makeRow(g, ws, we));
  }

  /** Windows held, for metrics. */
  openWindows(): number {
    return this.windows.size;
  }

  stateEntries(): number {
    return this.entries;
  }

  stateBytes(): number {
    return this.entries * this.bytesPerGroup + this.windows.size * 200;
  }

  snapshotState(): JsonValue {
    const windows: JsonValue[] = [];
    for (const [start, groups] of this.windows)
      windows.push([start, [...groups.values()].map((g) => encodeGroup(this.updater, g))]);
    return { windows };
  }

  restoreState(snapshot: JsonValue): void {
    const s = snapshotObject(snapshot, this.stateId);
    this.windows.clear();
    this.entries = 0;
    for (const w of s.windows as readonly (readonly [number, readonly JsonValue[]])[]) {
      const [start, groups] = w;
      const m = new Map<unknown, WindowGroup>();
      for (const j of groups) {
        const g = decodeGroup(this.updater, j) as WindowGroup;
        g.ws = start;
        g.tb = 0;
        const row: Row = {};
        this.node.keys.forEach((c, i) => {
          row[c] = g.keys[i];
        });
        m.set(this.keyOf(row), g);
        this.entries++;
      }
      this.windows.set(start, m);
    }
  }
}
