import type { AggregateSpec } from '@pipekit/core';
import type { JsonValue, Row } from '../row.js';
import { aggregateCode } from './aggregators.js';
import { keyFunction } from './keys.js';
import { decodeValue, encodeValue } from './state-codec.js';

/**
 * The running aggregates of many groups, held flat: a group is a slot number, not an object.
 * Slot `s` keeps, in one Float64Array at `nums[s * stride ...]`, first `tags` numbers the operator
 * keeps per group (its window, a timestamp: next to the aggregates, so one group is one or two
 * cache lines), then its number fields (count, sum, avg); its opaque states (min, max, first,
 * last, countDistinct) are at `x[s * opaque ...]` and its key values at `keys[s * keyCols ...]`.
 * Opening and folding into a group allocate nothing (but for growing the arrays now and then), so
 * millions of short-lived groups cost the GC nothing; a closed slot is reused. Operators map their
 * keys (and windows) to slots themselves. Slots never used are all zeros.
 *
 * The per-row fold, the output row and the merge are compiled once per table from the aggregate
 * functions' code (`aggregateCode`).
 */
export class GroupTable {
  /** Tags and number fields of every slot, `stride` per slot. */
  nums: Float64Array;
  /** Opaque states, `opaque` per slot. */
  readonly x: unknown[] = [];
  /** Key values, `keyCols.length` per slot. */
  readonly keys: unknown[] = [];
  /** Number fields per slot. */
  readonly width: number;
  /** Numbers per slot in `nums`: the tags, then the number fields. */
  readonly stride: number;
  readonly opaque: number;
  /** Groups open now. */
  size = 0;
  private top = 0;
  private readonly free: number[] = [];
  private readonly inits: readonly (() => unknown)[];
  /** Where spec i's state is: its first number field, its opaque index (−1: none). */
  private readonly at: readonly { readonly num: number; readonly x: number }[];
  private readonly keyOfRow: (r: Row) => unknown;

  /** Folds row `r` into group `slot`. */
  readonly add: (slot: number, r: Row) => void;
  /** Folds group `from` into `into` (which holds the earlier rows); `from` stays as it was. */
  readonly merge: (into: number, from: number) => void;
  /** An output row: `window_start`, `window_end` (when windowed), the keys, then the aggregates. */
  readonly row: (slot: number, ws: Date | null, we: Date | null) => Row;

  constructor(
    readonly specs: readonly AggregateSpec[],
    readonly keyCols: readonly string[],
    windowed: boolean,
    /** Numbers an operator keeps per slot (read and written with `tag`, `setTag`). */
    readonly tags = 0,
  ) {
    const codes = specs.map(aggregateCode);
    const at: { num: number; x: number }[] = [];
    const inits: (() => unknown)[] = [];
    let width = 0;
    for (const c of codes) {
      at.push({ num: width, x: c.init ? inits.length : -1 });
      width += c.nums;
      if (c.init) inits.push(c.init);
    }
    this.width = width;
    this.stride = tags + width;
    this.opaque = inits.length;
    this.inits = inits;
    this.at = at;
    this.nums = new Float64Array(Math.max(1, this.stride) * 64);
    this.keyOfRow = keyFunction(keyCols);
    const W = this.stride;
    const O = inits.length;
    const K = keyCols.length;
    // `b`/`c`: the slot's first number field / opaque state; `d`/`e`: the other slot's (merge).
    const num = (i: number, base: string) => (j: number) => `n[${base} + ${at[i]!.num + j}]`;
    const opq = (i: number, base: string) => `x[${base} + ${at[i]!.x}]`;
    const col = (i: number) => `r[${JSON.stringify(specs[i]!.column ?? '')}]`;
    const head = `const n = t.nums; const x = t.x; const b = slot * ${W} + ${tags}; const c = slot * ${O};`;
    const addBody = codes.map((a, i) => a.add(col(i), num(i, 'b'), opq(i, 'c'))).join('\n');
    const mergeBody = codes
      .map((a, i) => a.merge(num(i, 'b'), opq(i, 'c'), num(i, 'd'), opq(i, 'e')))
      .join('\n');
    const props = windowed ? ['window_start: ws', 'window_end: we'] : [];
    keyCols.forEach((k, j) => {
      props.push(`${JSON.stringify(k)}: t.keys[slot * ${K} + ${j}]`);
    });
    specs.forEach((a, i) => {
      props.push(`${JSON.stringify(a.name)}: ${codes[i]!.result(num(i, 'b'), opq(i, 'c'))}`);
    });
    const compiled = new Function(
      't',
      `return [
  (slot, r) => { ${head}\n${addBody} },
  (slot, from) => { ${head} const d = from * ${W} + ${tags}; const e = from * ${O};\n${mergeBody} },
  (slot, ws, we) => { ${head} return { ${props.join(', ')} }; },
];\n//# sourceURL=pipekit-group-table.js`,
    )(this) as [GroupTable['add'], GroupTable['merge'], GroupTable['row']];
    [this.add, this.merge, this.row] = compiled;
  }

  /** Tag `j` of a slot. */
  tag(slot: number, j: number): number {
    return this.nums[slot * this.stride + j]!;
  }

  setTag(slot: number, j: number, v: number): void {
    this.nums[slot * this.stride + j] = v;
  }

  /** A new group for the keys of row `r`, its aggregates at their initial state. */
  open(r: Row): number {
    const s = this.slot();
    const cols = this.keyCols;
    for (let j = 0; j < cols.length; j++) this.keys[s * cols.length + j] = r[cols[j]!] ?? null;
    return s;
  }

  /** A new group of these key values. */
  openKeys(keys: readonly unknown[]): number {
    const s = this.slot();
    const k = this.keyCols.length;
    for (let j = 0; j < k; j++) this.keys[s * k + j] = keys[j] ?? null;
    return s;
  }

  /** Frees a group's slot for reuse (and what its opaque states and keys hold, for the GC). */
  close(slot: number): void {
    const O = this.opaque;
    for (let i = 0; i < O; i++) this.x[slot * O + i] = null;
    const K = this.keyCols.length;
    for (let j = 0; j < K; j++) this.keys[slot * K + j] = null;
    this.free.push(slot);
    this.size--;
  }

  /** Frees every slot. */
  clear(): void {
    this.nums.fill(0);
    this.x.length = 0;
    this.keys.length = 0;
    this.free.length = 0;
    this.top = 0;
    this.size = 0;
  }

  /** A group's key values. */
  keysOf(slot: number): unknown[] {
    const K = this.keyCols.length;
    return this.keys.slice(slot * K, slot * K + K);
  }

  /** The Map key a row of this group's keys has (`keyFunction` of the key columns). */
  mapKeyOf(slot: number): unknown {
    const row: Row = {};
    const K = this.keyCols.length;
    for (let j = 0; j < K; j++) row[this.keyCols[j]!] = this.keys[slot * K + j];
    return this.keyOfRow(row);
  }

  /**
   * Bytes the table holds: its arrays' capacity (number fields, opaque-state and key pointers).
   * What opaque states and key values point at (strings, Sets) is not counted.
   */
  bytes(): number {
    return this.nums.byteLength + 8 * (this.x.length + this.keys.length + this.free.length);
  }

  /**
   * A group as JSON: `{ k: keys, f: number fields, x: one entry per aggregate (its opaque state,
   * null for those kept in number fields) }`, the checkpoint format of every aggregate operator.
   */
  encode(slot: number): JsonValue {
    const base = slot * this.stride + this.tags;
    const f: number[] = [];
    for (let j = 0; j < this.width; j++) f.push(this.nums[base + j]!);
    const x = this.at.map((a) => (a.x < 0 ? null : this.x[slot * this.opaque + a.x]));
    return { k: encodeValue(this.keysOf(slot)), f, x: encodeValue(x) };
  }

  /** A new group from `encode`'s JSON. */
  decode(json: JsonValue): number {
    const o = json as { k: JsonValue; f: readonly number[]; x: JsonValue };
    const s = this.openKeys(decodeValue(o.k) as unknown[]);
    const base = s * this.stride + this.tags;
    for (let j = 0; j < this.width; j++) this.nums[base + j] = o.f[j] ?? 0;
    const x = decodeValue(o.x) as unknown[];
    this.at.forEach((a, i) => {
      if (a.x >= 0) this.x[s * this.opaque + a.x] = x[i];
    });
    return s;
  }

  /** A free slot, its aggregates at their initial state. */
  private slot(): number {
    let s = this.free.pop();
    if (s === undefined) {
      s = this.top++;
      if (s * this.stride >= this.nums.length) {
        const grown = new Float64Array(this.nums.length * 2);
        grown.set(this.nums);
        this.nums = grown;
      }
    } else for (let j = s * this.stride; j < (s + 1) * this.stride; j++) this.nums[j] = 0;
    const O = this.opaque;
    for (let i = 0; i < O; i++) this.x[s * O + i] = this.inits[i]!();
    this.size++;
    return s;
  }
}
