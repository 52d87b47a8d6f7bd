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

/** A group: its running aggregate, when it was last updated, the batch that last touched it. */
type KeyGroup = GroupState & { at: number; tb: number };

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
  private readonly groups = new Map<unknown, KeyGroup>();
  private batch = 0;
  private readonly updater: GroupUpdater;
  private readonly keyOf: (r: Row) => unknown;
  private readonly names: readonly string[];
  private readonly bytesPerGroup: number;

  constructor(
    readonly stateId: string,
    private readonly node: AggregateNode,
    private readonly emit: StreamingEmit,
    private readonly eventKey: EventTimeKey | null,
  ) {
    this.updater = groupUpdater(node.aggregates);
    this.keyOf = keyFunction(node.keys);
    this.names = node.aggregates.map((a) => a.name);
    this.bytesPerGroup = approxGroupBytes(
      node.keys.length,
      this.updater.fields.length + 2,
      node.aggregates.length,
    );
  }

  process(rows: readonly Row[], time: number): StepResult {
    const late: Row[] = [];
    const touched: KeyGroup[] = [];
    const batch = ++this.batch;
    const ek = this.emit === 'complete' ? null : this.eventKey;
    const lateLimit = ek ? ek.wm.lateWatermark : Number.NEGATIVE_INFINITY;
    for (const r of rows) {
      if (ek) {
        const t = eventTimeOf(r[ek.column]);
        if (t !== null && t <= lateLimit) {
          late.push(r);
          continue;
        }
      }
      const k = this.keyOf(r);
      let g = this.groups.get(k);
      if (g === undefined) {
        g = this.updater.init(this.node.keys.map((c) => r[c] ?? null)) as KeyGroup;
        g.at = time;
        g.tb = 0;
        this.groups.set(k, g);
      }
      this.updater.add(g, r);
      g.at = time;
      if (g.tb !== batch) {
        g.tb = batch;
        touched.push(g);
      }
    }
    const out: Row[] = [];
    if (this.emit === 'complete') for (const g of this.groups.values()) this.push(out, g);
    else if (this.emit === 'update') for (const g of touched) this.push(out, g);
    const keyIndex = ek ? this.node.keys.indexOf(ek.column) : -1;
    const timeout = this.node.stateTimeout;
    if (ek || timeout !== undefined)
      for (const [k, g] of this.groups) {
        const t = keyIndex >= 0 ? eventTimeOf(g.keys[keyIndex]) : null;
        if (ek && t !== null && t <= ek.wm.watermark) {
          if (this.emit === 'append') this.push(out, g);
          this.groups.delete(k);
        } else if (timeout !== undefined && time - g.at >= timeout) this.groups.delete(k);
      }
    return { rows: out, late };
  }

  private push(out: Row[], g: KeyGroup): void {
    out.push(resultRow(null, this.node.keys, g.keys, this.names, this.updater.results(g)));
  }

  stateEntries(): number {
    return this.groups.size;
  }

  stateBytes(): number {
    return this.groups.size * this.bytesPerGroup;
  }

  snapshotState(): JsonValue {
    return { groups: [...this.groups.values()].map((g) => [g.at, encodeGroup(this.updater, g)]) };
  }

  restoreState(snapshot: JsonValue): void {
    const s = snapshotObject(snapshot, this.stateId);
    this.groups.clear();
    for (const [at, j] of s.groups as readonly (readonly [number, JsonValue])[]) {
      const g = decodeGroup(this.updater, j) as KeyGroup;
      g.at = at;
      g.tb = 0;
      const row: Row = {};
      this.node.keys.forEach((c, i) => {
        row[c] = g.keys[i];
      });
      this.groups.set(this.keyOf(row), g);
    }
  }
}
