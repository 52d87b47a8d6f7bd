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

const AT = 0;
const TB = 1;

/** The event-time key of a grouped aggregation: a group key carrying the watermark. */
export interface EventTimeKey {
  readonly column: string;
  readonly wm: WatermarkView;
}

/**
 * Unwindowed aggregation on a stream: one group per key. Its state is evicted two ways:
 * - by the watermark, when a group key is the watermark's column (Spark: a group whose event time
 *   is at or before the watermark is final: append emits it, update drops it; a row at or before
 *   the previous batch's watermark is late);
 * - by `stateTimeout` (scheduler time): a group not updated for that long is dropped silently, as a
 *   processing-time timeout of Spark's group state.
 */
export class GroupAggregate implements StatefulOperator {
  private readonly groups = new Map<unknown, number>();
  /** Tags per slot: when it was last updated, the batch that last touched it. */
  private readonly table: GroupTable;
  private batch = 0;
  private readonly keyOf: (r: Row) => unknown;

  constructor(
    readonly stateId: string,
    private readonly node: AggregateNode,
    private readonly emit: StreamingEmit,
    private readonly eventKey: EventTimeKey | null,
  ) {
    this.table = new GroupTable(node.aggregates, node.keys, false, 2);
    this.keyOf = keyFunction(node.keys);
  }

  process(rows: readonly Row[], time: number): StepResult {
    const late: Row[] = [];
    const touched: number[] = [];
    const batch = ++this.batch;
    const ek = this.emit === 'complete' ? null : this.eventKey;
    const lateLimit = ek ? ek.wm.lateWatermark : Number.NEGATIVE_INFINITY;
    const { table, groups, keyOf } = this;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      if (ek) {
        const t = eventTimeOf(r[ek.column]);
        if (t !== null && t <= lateLimit) {
          late.push(r);
          continue;
        }
      }
      const k = keyOf(r);
      let s = groups.get(k);
      if (s === undefined) {
        s = table.open(r);
        groups.set(k, s);
      }
      table.add(s, r);
      table.setTag(s, AT, time);
      if (table.tag(s, TB) !== batch) {
        table.setTag(s, TB, batch);
        touched.push(s);
      }
    }
    const out: Row[] = [];
    if (this.emit === 'complete')
      for (const s of groups.values()) out.push(table.row(s, null, null));
    else if (this.emit === 'update') for (const s of touched) out.push(table.row(s, null, null));
    const keyIndex = ek ? this.node.keys.indexOf(ek.column) : -1;
    const timeout = this.node.stateTimeout;
    if (ek || timeout !== undefined)
      for (const [k, s] of groups) {
        const t =
          keyIndex >= 0 ? eventTimeOf(table.keys[s * this.node.keys.length + keyIndex]) : null;
        if (ek && t !== null && t <= ek.wm.watermark) {
          if (this.emit === 'append') out.push(table.row(s, null, null));
        } else if (timeout === undefined || time - table.tag(s, AT) < timeout) continue;
        groups.delete(k);
        table.close(s);
      }
    return { rows: out, late };
  }

  stateEntries(): number {
    return this.table.size;
  }

  stateBytes(): number {
    return this.table.bytes() + this.table.size * MAP_ENTRY_BYTES;
  }

  snapshotState(): JsonValue {
    const groups: JsonValue[] = [];
    for (const s of this.groups.values())
      groups.push([this.table.tag(s, AT), this.table.encode(s)]);
    return { groups };
  }

  restoreState(snapshot: JsonValue): void {
    const snap = snapshotObject(snapshot, this.stateId);
    this.groups.clear();
    this.table.clear();
    for (const [time, j] of snap.groups as readonly (readonly [number, JsonValue])[]) {
      const s = this.table.decode(j);
      this.table.setTag(s, AT, time);
      this.groups.set(this.table.mapKeyOf(s), s);
    }
  }
}
