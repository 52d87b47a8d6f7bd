import type { AggregateNode } from '@pipekit/core';
import type { WatermarkView } from '../graph/event-time.js';
import type { JsonValue, Row } from '../row.js';
import { GroupTable } from './group-table.js';
import { keyFunction } from './keys.js';
import { snapshotObject } from './state-codec.js';
import {
  eventTimeOf,
  MAP_ENTRY_BYTES,
  type StatefulOperator,
  type StepResult,
} from './stateful-operator.js';
import type { StreamingEmit } from './window-aggregate.js';

type SessionWindow = Extract<NonNullable<AggregateNode['window']>, { type: 'session' }>;

const WS = 0;
const WE = 1;

/**
 * Session windows on a stream, Spark's rules: a row opens `[ts, ts + gap)`; sessions of the same
 * keys merge when they overlap or touch (a later row can bridge two); with a watermark, a row whose
 * own session `[ts, ts + gap)` ended at or before the previous batch's watermark is late, and a
 * session ending at or before the current watermark is emitted (append) and evicted. Complete mode
 * neither drops nor evicts. State: keys → the slots of their sessions, sorted by start.
 */
export class SessionAggregate implements StatefulOperator {
  private readonly sessions = new Map<unknown, number[]>();
  /** Tags per slot: the session's `[WS, WE)`. */
  private readonly table: GroupTable;
  private readonly keyOf: (r: Row) => unknown;

  constructor(
    readonly stateId: string,
    private readonly node: AggregateNode & { window: SessionWindow },
    private readonly emit: StreamingEmit,
    private readonly wm: WatermarkView | null,
  ) {
    this.table = new GroupTable(node.aggregates, node.keys, true, 2);
    this.keyOf = keyFunction(node.keys);
  }

  process(rows: readonly Row[]): StepResult {
    const { gap, column } = this.node.window;
    const late: Row[] = [];
    const lateLimit =
      this.wm && this.emit !== 'complete' ? this.wm.lateWatermark : Number.NEGATIVE_INFINITY;
    const touched = new Set<number>();
    for (const r of rows) {
      const t = eventTimeOf(r[column]);
      if (t === null) continue;
      if (t + gap <= lateLimit) {
        late.push(r);
        continue;
      }
      const k = this.keyOf(r);
      let list = this.sessions.get(k);
      if (list === undefined) {
        list = [];
        this.sessions.set(k, list);
      }
      const s = this.table.open(r);
      this.table.setTag(s, WS, t);
      this.table.setTag(s, WE, t + gap);
      this.table.add(s, r);
      touched.add(this.insert(list, s, touched));
    }
    return { rows: this.output(touched), late };
  }

  /** Puts a one-row session in a key's sorted list, merging every session it overlaps or touches. */
  private insert(list: number[], s: number, touched: Set<number>): number {
    const t = this.table;
    let i = 0;
    while (i < list.length && t.tag(list[i]!, WE) < t.tag(s, WS)) i++;
    let j = i;
    while (j < list.length && t.tag(list[j]!, WS) <= t.tag(s, WE)) j++;
    if (j === i) {
      list.splice(i, 0, s);
      return s;
    }
    // list[i..j) overlap or touch s: fold them and s in start order into one session.
    const parts = [...list.slice(i, j), s].sort((a, b) => t.tag(a, WS) - t.tag(b, WS));
    const merged = parts[0]!;
    for (const p of parts.slice(1)) {
      t.merge(merged, p);
      t.setTag(merged, WE, Math.max(t.tag(merged, WE), t.tag(p, WE)));
      touched.delete(p);
      t.close(p);
    }
    list.splice(i, j - i, merged);
    return merged;
  }

  private output(touched: ReadonlySet<number>): Row[] {
    const out: Row[] = [];
    if (this.emit === 'complete') {
      for (const list of this.sessions.values()) for (const s of list) this.push(out, s);
      return out;
    }
    if (this.emit === 'update') for (const s of touched) this.push(out, s);
    if (!this.wm) return out;
    const wm = this.wm.watermark;
    for (const [k, list] of this.sessions) {
      const open: number[] = [];
      for (const s of list) {
        if (this.table.tag(s, WE) <= wm) {
          if (this.emit === 'append') this.push(out, s);
          this.table.close(s);
        } else open.push(s);
      }
      if (open.length === 0) this.sessions.delete(k);
      else if (open.length !== list.length) this.sessions.set(k, open);
    }
    return out;
  }

  private push(out: Row[], s: number): void {
    const t = this.table;
    out.push(t.row(s, new Date(t.tag(s, WS)), new Date(t.tag(s, WE))));
  }

  stateEntries(): number {
    return this.table.size;
  }

  stateBytes(): number {
    return this.table.bytes() + this.sessions.size * MAP_ENTRY_BYTES;
  }

  snapshotState(): JsonValue {
    const sessions: JsonValue[] = [];
    for (const list of this.sessions.values())
      for (const s of list)
        sessions.push([this.table.tag(s, WS), this.table.tag(s, WE), this.table.encode(s)]);
    return { sessions };
  }

  restoreState(snapshot: JsonValue): void {
    const snap = snapshotObject(snapshot, this.stateId);
    this.sessions.clear();
    this.table.clear();
    for (const [ws, we, j] of snap.sessions as readonly (readonly [number, number, JsonValue])[]) {
      const s = this.table.decode(j);
      this.table.setTag(s, WS, ws);
      this.table.setTag(s, WE, we);
      const k = this.table.mapKeyOf(s);
      const list = this.sessions.get(k) ?? [];
      list.push(s);
      list.sort((a, b) => this.table.tag(a, WS) - this.table.tag(b, WS));
      this.sessions.set(k, list);
    }
  }
}
