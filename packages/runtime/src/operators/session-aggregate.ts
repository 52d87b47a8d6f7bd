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
  resultRow,
  type StatefulOperator,
  type StepResult,
} from './stateful-operator.js';
import type { StreamingEmit } from './window-aggregate.js';

type SessionWindow = Extract<NonNullable<AggregateNode['window']>, { type: 'session' }>;

/** One session of one key: its running aggregate, `[ws, we)`, the batch that last touched it. */
type Session = GroupState & { ws: number; we: number; tb: number };

/**
 * Session windows on a stream, Spark's rules: a row opens `[ts, ts + gap)`; sessions of the same
 * keys merge when they overlap or touch (a later row can bridge two); with a watermark, a row whose
 * own session `[ts, ts + gap)` ended at or before the previous batch's watermark is late, and a
 * session ending at or before the current watermark is emitted (append) and evicted. Complete mode
 * neither drops nor evicts. State: keys → sessions sorted by start.
 */
export class SessionAggregate implements StatefulOperator {
  private readonly sessions = new Map<unknown, Session[]>();
  private entries = 0;
  private batch = 0;
  private readonly updater: GroupUpdater;
  private readonly keyOf: (r: Row) => unknown;
  private readonly names: readonly string[];
  private readonly bytesPerSession: number;

  constructor(
    readonly stateId: string,
    private readonly node: AggregateNode & { window: SessionWindow },
    private readonly emit: StreamingEmit,
    private readonly wm: WatermarkView | null,
  ) {
    this.updater = groupUpdater(node.aggregates);
    this.keyOf = keyFunction(node.keys);
    this.names = node.aggregates.map((a) => a.name);
    this.bytesPerSession = approxGroupBytes(
      node.keys.length,
      this.updater.fields.length + 3,
      node.aggregates.length,
    );
  }

  process(rows: readonly Row[]): StepResult {
    const { gap, column } = this.node.window;
    const late: Row[] = [];
    const lateLimit =
      this.wm && this.emit !== 'complete' ? this.wm.lateWatermark : Number.NEGATIVE_INFINITY;
    const touched = new Set<Session>();
    const batch = ++this.batch;
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
      const s = this.updater.init(this.node.keys.map((c) => r[c] ?? null)) as Session;
      s.ws = t;
      s.we = t + gap;
      s.tb = batch;
      this.updater.add(s, r);
      touched.add(this.insert(list, s, touched));
    }
    return { rows: this.output(touched), late };
  }

  /** Puts a one-row session in a key's sorted list, merging every session it overlaps or touches. */
  private insert(list: Session[], s: Session, touched: Set<Session>): Session {
    let i = 0;
    while (i < list.length && list[i]!.we < s.ws) i++;
    let j = i;
    while (j < list.length && list[j]!.ws <= s.we) j++;
    if (j === i) {
      list.splice(i, 0, s);
      this.entries++;
      return s;
    }
    // list[i..j) overlap or touch s: fold them and s in start order into one session.
    const parts = [...list.slice(i, j), s].sort((a, b) => a.ws - b.ws);
    const merged = parts[0]!;
    for (const p of parts.slice(1)) {
      this.updater.merge(merged, p);
      merged.we = Math.max(merged.we, p.we);
      touched.delete(p);
    }
    merged.tb = s.tb;
    list.splice(i, j - i, merged);
    this.entries -= j - i - 1;
    return merged;
  }

  private output(touched: ReadonlySet<Session>): Row[] {
    const out: Row[] = [];
    if (this.emit === 'complete') {
      for (const list of this.sessions.values()) for (const s of list) this.push(out, s);
      return out;
    }
    if (this.emit === 'update') for (const s of touched) this.push(out, s);
    if (!this.wm) return out;
    const wm = this.wm.watermark;
    for (const [k, list] of this.sessions) {
      const open: Session[] = [];
      for (const s of list) {
        if (s.we <= wm) {
          if (this.emit === 'append') this.push(out, s);
          this.entries--;
        } else open.push(s);
      }
      if (open.length === 0) this.sessions.delete(k);
      else if (open.length !== list.length) this.sessions.set(k, open);
    }
    return out;
  }

  private push(out: Row[], s: Session): void {
    out.push(resultRow([s.ws, s.we], this.node.keys, s.keys, this.names, this.updater.results(s)));
  }

  stateEntries(): number {
    return this.entries;
  }

  stateBytes(): number {
    return this.entries * this.bytesPerSession;
  }

  snapshotState(): JsonValue {
    const sessions: JsonValue[] = [];
    for (const list of this.sessions.values())
      for (const s of list) sessions.push([s.ws, s.we, encodeGroup(this.updater, s)]);
    return { sessions };
  }

  restoreState(snapshot: JsonValue): void {
    const snap = snapshotObject(snapshot, this.stateId);
    this.sessions.clear();
    this.entries = 0;
    for (const e of snap.sessions as readonly (readonly [number, number, JsonValue])[]) {
      const s = decodeGroup(this.updater, e[2]) as Session;
      s.ws = e[0];
      s.we = e[1];
      s.tb = 0;
      const row: Row = {};
      this.node.keys.forEach((c, i) => {
        row[c] = s.keys[i];
      });
      const k = this.keyOf(row);
      const list = this.sessions.get(k) ?? [];
      list.push(s);
      list.sort((a, b) => a.ws - b.ws);
      this.sessions.set(k, list);
      this.entries++;
    }
  }
}
