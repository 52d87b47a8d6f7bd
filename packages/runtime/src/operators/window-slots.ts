import type { AggregateSpec } from '@pipekit/core';
import type { Row } from '../row.js';
import { GroupTable } from './group-table.js';
import { MAP_ENTRY_BYTES } from './stateful-operator.js';

/** The tags a window group keeps in its table row: its window's start, the last batch it saw. */
const START = 0;
const TOUCHED = 1;

/**
 * The groups of (window, keys) of tumbling and sliding windows, as slots of one `GroupTable`:
 * window start → (key → slot). A closed window's slots are freed at once and reused by the next, so
 * the table stays as large as the open windows; a group costs a Map entry and a table row, no
 * object. (One key → id Map across windows, with chains of slots per key, avoids the per-window Map
 * inserts but measured slower: its lookups in a Map of every key miss the caches more.)
 */
export class WindowSlots {
  readonly table: GroupTable;
  /** Window start → key → slot, windows and groups in the order they were first seen. */
  readonly windows = new Map<number, Map<unknown, number>>();
  private lastStart = Number.NaN;
  private last: Map<unknown, number> = new Map();

  constructor(specs: readonly AggregateSpec[], keyCols: readonly string[]) {
    this.table = new GroupTable(specs, keyCols, true, 2);
  }

  /** The slot of the group of `key` in the window starting at `start`, opened for row `r`. */
  slotAt(key: unknown, start: number, r: Row): number {
    if (start !== this.lastStart) this.windowAt(start);
    let s = this.last.get(key);
    if (s === undefined) {
      s = this.table.open(r);
      this.last.set(key, s);
      this.table.setTag(s, START, start);
      this.table.setTag(s, TOUCHED, 0);
    }
    return s;
  }

  /** The start of a slot's window. */
  startOf(s: number): number {
    return this.table.tag(s, START);
  }

  /** Marks a slot touched by `batch`; false when it already was. */
  touch(s: number, batch: number): boolean {
    if (this.table.tag(s, TOUCHED) === batch) return false;
    this.table.setTag(s, TOUCHED, batch);
    return true;
  }

  /** Closes a window: frees its slots. */
  evict(start: number): void {
    const groups = this.windows.get(start);
    if (groups === undefined) return;
    for (const s of groups.values()) this.table.close(s);
    this.windows.delete(start);
    if (start === this.lastStart) this.lastStart = Number.NaN;
  }

  /** Adds a slot (restored from a snapshot) for a key in the window starting at `start`. */
  restore(key: unknown, start: number, s: number): void {
    this.windowAt(start).set(key, s);
    this.table.setTag(s, START, start);
    this.table.setTag(s, TOUCHED, 0);
  }

  clear(): void {
    this.table.clear();
    this.windows.clear();
    this.lastStart = Number.NaN;
  }

  /** Bytes held: the table, the windows' Maps. */
  bytes(): number {
    return this.table.bytes() + this.table.size * MAP_ENTRY_BYTES + this.windows.size * 200;
  }

  private windowAt(start: number): Map<unknown, number> {
    let groups = this.windows.get(start);
    if (groups === undefined) {
      groups = new Map();
      this.windows.set(start, groups);
    }
    this.lastStart = start;
    this.last = groups;
    return groups;
  }
}
