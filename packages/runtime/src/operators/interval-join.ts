import type { JoinNode } from '@pipekit/core';
import { defer, map, type Observable, zip } from 'rxjs';
import { type Batch, batchOf } from '../graph/batch.js';
import type { NodeMetrics } from '../metrics/node-metrics.js';
import type { JsonValue, Row } from '../row.js';
import type { Stateful } from '../state/stateful.js';
import { keyFunction } from './keys.js';
import { hasNullKey, type JoinColumns, joinRowBuilder } from './lookup-join.js';
import { decodeValue, encodeValue, snapshotObject } from './state-codec.js';
import { eventTimeOf } from './stateful-operator.js';

/** One side's watermark: its event-time column and the watermark it has reached (−∞ before any). */
export interface SideWatermark {
  readonly column: string;
  readonly watermark: () => number;
}

/** A buffered row: its event time (epoch ms) and, on the left of a left join, whether it matched. */
interface Entry {
  readonly row: Row;
  readonly time: number;
  matched: boolean;
}

type Buffer = Map<unknown, Entry[]>;

/**
 * A stream–stream interval join, Spark's symmetric hash join with an event-time range condition:
 * rows match when their keys are equal and their event times are at most `within` apart. Each side's
 * rows are buffered by key; each batch joins the new left rows with the buffered right rows, then the
 * new right rows with the buffered and new left rows (so no pair is emitted twice). A buffered row is
 * evicted once the other side's watermark makes a match impossible (time < other watermark − within).
 * A left join emits a left row that never matched, with nulls, when it is evicted (or at the end).
 */
export class IntervalJoin implements Stateful {
  private readonly left: Buffer = new Map();
  private readonly right: Buffer = new Map();
  private readonly leftKey: (r: Row) => unknown;
  private readonly rightKey: (r: Row) => unknown;
  private readonly within: number;
  private readonly outer: boolean;
  private combine: ((l: Row, r: Row | null) => Row) | null = null;

  constructor(
    readonly stateId: string,
    private readonly node: JoinNode,
    private readonly columns: JoinColumns,
    private readonly leftWm: SideWatermark,
    private readonly rightWm: SideWatermark,
  ) {
    this.leftKey = keyFunction(node.on.left);
    this.rightKey = keyFunction(node.on.right);
    this.within = node.within ?? 0;
    this.outer = node.joinType === 'left';
  }

  /** Joins a batch's new rows of both sides, buffers them, evicts; `final`: no row comes after. */
  process(leftRows: readonly Row[], rightRows: readonly Row[], final: boolean): Row[] {
    const out: Row[] = [];
    const combine = this.combiner(leftRows, rightRows);
    const newLeft: Entry[] = [];
    for (const row of leftRows) {
      const time = eventTimeOf(row[this.leftWm.column]);
      if (time === null || hasNullKey(row, this.node.on.left)) {
        if (this.outer) out.push(combine(row, null));
        continue;
      }
      const e: Entry = { row, time, matched: false };
      for (const r of this.right.get(this.leftKey(row)) ?? [])
        if (Math.abs(time - r.time) <= this.within) {
          out.push(combine(row, r.row));
          e.matched = true;
        }
      newLeft.push(e);
      add(this.left, this.leftKey(row), e);
    }
    for (const row of rightRows) {
      const time = eventTimeOf(row[this.rightWm.column]);
      if (time === null || hasNullKey(row, this.node.on.right)) continue;
      const k = this.rightKey(row);
      for (const l of this.left.get(k) ?? [])
        if (Math.abs(time - l.time) <= this.within) {
          out.push(combine(l.row, row));
          l.matched = true;
        }
      add(this.right, k, { row, time, matched: false });
    }
    const leftEnd = final ? Number.POSITIVE_INFINITY : this.rightWm.watermark() - this.within;
    const rightEnd = final ? Number.POSITIVE_INFINITY : this.leftWm.watermark() - this.within;
    evict(this.left, leftEnd, (e) => {
      if (this.outer && !e.matched) out.push(combine(e.row, null));
    });
    evict(this.right, rightEnd, () => {});
    return out;
  }

  private combiner(leftRows: readonly Row[], rightRows: readonly Row[]) {
    if (this.combine) return this.combine;
    const leftCols = this.columns.left ?? (leftRows[0] ? Object.keys(leftRows[0]) : null);
    const rightCols = this.columns.right ?? (rightRows[0] ? Object.keys(rightRows[0]) : null);
    const c = joinRowBuilder(this.node, leftCols ?? [], rightCols ?? []);
    // Known columns are fixed; otherwise keep guessing until both sides have shown a row.
    if (leftCols && rightCols) this.combine = c;
    return c;
  }

  stateEntries(): number {
    let n = 0;
    for (const list of this.left.values()) n += list.length;
    for (const list of this.right.values()) n += list.length;
    return n;
  }

  snapshotState(): JsonValue {
    const side = (b: Buffer): JsonValue[] =>
      [...b.values()].flat().map((e) => [e.time, e.matched, encodeValue(e.row)]);
    return { left: side(this.left), right: side(this.right) };
  }

  restoreState(snapshot: JsonValue): void {
    const s = snapshotObject(snapshot, this.stateId);
    const load = (b: Buffer, entries: JsonValue | undefined, key: (r: Row) => unknown) => {
      b.clear();
      for (const [time, matched, row] of (entries ?? []) as readonly (readonly [
        number,
        boolean,
        JsonValue,
      ])[]) {
        const r = decodeValue(row) as Row;
        add(b, key(r), { row: r, time, matched });
      }
    };
    load(this.left, s.left, this.leftKey);
    load(this.right, s.right, this.rightKey);
  }
}

function add(b: Buffer, k: unknown, e: Entry): void {
  const list = b.get(k);
  if (list) list.push(e);
  else b.set(k, [e]);
}

/** Removes the entries whose time is before `end`, handing each to `gone`. */
function evict(b: Buffer, end: number, gone: (e: Entry) => void): void {
  for (const [k, list] of b) {
    const keep = list.filter((e) => {
      if (e.time >= end) return true;
      gone(e);
      return false;
    });
    if (keep.length === 0) b.delete(k);
    else if (keep.length !== list.length) b.set(k, keep);
  }
}

/** The RxJS step of an interval join: one emission per batch of both inputs. */
export function intervalJoin(
  op: IntervalJoin,
  metrics: NodeMetrics,
): (left: Observable<Batch>, right: Observable<Batch>) => Observable<Batch> {
  return (left$, right$) =>
    defer(() =>
      zip(left$, right$).pipe(
        map(([l, r]) => {
          const rows = op.process(l.rows, r.rows, l.epoch.final);
          metrics.stateRows = op.stateEntries();
          return batchOf(l.epoch, rows);
        }),
      ),
    );
}
