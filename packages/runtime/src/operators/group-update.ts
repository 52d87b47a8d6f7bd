import type { AggregateSpec } from '@pipekit/core';
import type { Row } from '../row.js';
import { type Aggregator, aggregatorOf } from './aggregators.js';

/**
 * A group's running state: `s<i>` (and `n<i>`, the count of non-NULL values) for sum, avg and
 * count as plain number fields, which V8 updates in place; other aggregates keep an opaque state in
 * `x[i]`.
 */
export type GroupState = Record<string, unknown> & { keys: readonly unknown[]; x: unknown[] };

export interface GroupUpdater {
  /** Folds rows into their groups; returns nothing, calls `touch` for each group it changed when asked. */
  readonly fold: (rows: readonly Row[], groupOf: (r: Row) => GroupState) => void;
  /**
   * Folds rows into groups held flat in `t`: group `slot`'s number fields (in `fields` order) at
   * `t.nums[slot * fields.length + j]` (a double array: no object, no boxed number per group), its
   * other aggregates' states at `t.x[slot * aggregates + i]`.
   */
  readonly foldSlots: (rows: readonly Row[], slotOf: (r: Row) => number, t: SlotTable) => void;
  /** Appends a new group's initial state to `t`. */
  readonly initSlot: (t: SlotTable) => void;
  /** Group `slot` of `t` as a `GroupState` (for its results). */
  readonly groupAt: (t: SlotTable, slot: number, keys: readonly unknown[]) => GroupState;
  /** Folds one row into one group. */
  readonly add: (g: GroupState, r: Row) => void;
  /** A new group's state. */
  readonly init: (keys: readonly unknown[]) => GroupState;
  /** Adds `from`'s rows to `into` (`into` holds the earlier rows): session windows merging. */
  readonly merge: (into: GroupState, from: GroupState) => void;
  /** The aggregate values of a group. */
  readonly results: (g: GroupState) => unknown[];
  /** The names of a group's number fields (`s<i>`, `n<i>`), for snapshots. */
  readonly fields: readonly string[];
  /**
   * A compiled maker of output rows of one shape: `window_start`, `window_end` (when windowed),
   * the keys, then the aggregates, read straight from the group (no per-row arrays).
   */
  readonly rowMaker: (
    keyCols: readonly string[],
    windowed: boolean,
  ) => (g: GroupState, start: Date | null, end: Date | null) => Record<string, unknown>;
}

/** Groups' states held flat, one slot per group (see `GroupUpdater.foldSlots`). */
export interface SlotTable {
  readonly nums: number[];
  readonly x: unknown[];
}

const fast = new Set(['count', 'sum', 'avg']);

/**
 * Compiles the per-row update of a set of aggregates into one function, once per node: count,
 * sum and avg are inlined on number fields (no allocation per row); the others call their
 * `Aggregator`. Same semantics as `aggregatorOf` (NULLs skipped).
 */
export function groupUpdater(specs: readonly AggregateSpec[]): GroupUpdater {
  const slow: (Aggregator | null)[] = specs.map((a) => (fast.has(a.fn) ? null : aggregatorOf(a)));
  const lines: string[] = [];
  const initFields: string[] = [];
  const fields: string[] = [];
  const slotLines: string[] = [];
  specs.forEach((a, i) => {
    const col = JSON.stringify(a.column ?? '');
    const at = fields.length;
    if (a.fn === 'count' && a.column === undefined) {
      initFields.push(`s${i}: 0`);
      fields.push(`s${i}`);
      lines.push(`g.s${i} += 1;`);
      slotLines.push(`n[b + ${at}] += 1;`);
    } else if (a.fn === 'count') {
      initFields.push(`s${i}: 0`);
      fields.push(`s${i}`);
      lines.push(`if (r[${col}] != null) g.s${i} += 1;`);
      slotLines.push(`if (r[${col}] != null) n[b + ${at}] += 1;`);
    } else if (a.fn === 'sum' || a.fn === 'avg') {
      initFields.push(`s${i}: 0`, `n${i}: 0`);
      fields.push(`s${i}`, `n${i}`);
      lines.push(`{ const v = r[${col}]; if (v != null) { g.s${i} += v; g.n${i} += 1; } }`);
      slotLines.push(
        `{ const v = r[${col}]; if (v != null) { n[b + ${at}] += v; n[b + ${at + 1}] += 1; } }`,
      );
    } else {
      lines.push(`g.x[${i}] = slow[${i}].add(g.x[${i}], r);`);
      slotLines.push(`x[c + ${i}] = slow[${i}].add(x[c + ${i}], r);`);
    }
  });
  const width = fields.length;
  const foldSlots = new Function(
    'slow',
    `return (rows, slotOf, t) => { for (let i = 0; i < rows.length; i++) { const r = rows[i]; const slot = slotOf(r); const n = t.nums; const x = t.x; const b = slot * ${width}; const c = slot * ${specs.length}; ${slotLines.join(' ')} } };\n//# sourceURL=pipekit-fold-slots.js`,
  )(slow) as GroupUpdater['foldSlots'];
  const initSlot = (t: SlotTable): void => {
    for (let j = 0; j < width; j++) t.nums.push(0);
    for (const a of slow) t.x.push(a ? a.init() : null);
  };
  const groupAt = (t: SlotTable, slot: number, keys: readonly unknown[]): GroupState => {
    const g: GroupState = { keys, x: t.x.slice(slot * specs.length, (slot + 1) * specs.length) };
    fields.forEach((f, j) => {
      g[f] = t.nums[slot * width + j];
    });
    return g;
  };
  const fold = new Function(
    'slow',
    `return (rows, groupOf) => { for (let i = 0; i < rows.length; i++) { const r = rows[i]; const g = groupOf(r); ${lines.join(' ')} } };\n//# sourceURL=pipekit-fold.js`,
  )(slow) as GroupUpdater['fold'];
  const add = new Function(
    'slow',
    `return (g, r) => { ${lines.join(' ')} };\n//# sourceURL=pipekit-add.js`,
  )(slow) as GroupUpdater['add'];
  const init = new Function(
    'slow',
    `return (keys) => ({ keys, x: slow.map((a) => (a ? a.init() : null)), ${initFields.join(', ')} });`,
  )(slow) as GroupUpdater['init'];
  const results = (g: GroupState): unknown[] =>
    specs.map((a, i) => {
      if (a.fn === 'count') return g[`s${i}`];
      if (a.fn === 'sum') return (g[`n${i}`] as number) === 0 ? null : g[`s${i}`];
      if (a.fn === 'avg')
        return (g[`n${i}`] as number) === 0
          ? null
          : (g[`s${i}`] as number) / (g[`n${i}`] as number);
      return slow[i]!.result(g.x[i]);
    });
  const merge = (into: GroupState, from: GroupState): void => {
    const to = into as Record<string, unknown>;
    for (const f of fields) to[f] = (to[f] as number) + (from[f] as number);
    slow.forEach((a, i) => {
      if (a) into.x[i] = a.merge(into.x[i], from.x[i]);
    });
  };
  const rowMaker = (keyCols: readonly string[], windowed: boolean) => {
    const props: string[] = windowed ? ['window_start: ws', 'window_end: we'] : [];
    keyCols.forEach((k, i) => {
      props.push(`${JSON.stringify(k)}: g.keys[${i}]`);
    });
    specs.forEach((a, i) => {
      const v =
        a.fn === 'count'
          ? `g.s${i}`
          : a.fn === 'sum'
            ? `(g.n${i} === 0 ? null : g.s${i})`
            : a.fn === 'avg'
              ? `(g.n${i} === 0 ? null : g.s${i} / g.n${i})`
              : `slow[${i}].result(g.x[${i}])`;
      props.push(`${JSON.stringify(a.name)}: ${v}`);
    });
    return new Function('slow', `return (g, ws, we) => ({ ${props.join(', ')} });`)(
      slow,
    ) as ReturnType<GroupUpdater['rowMaker']>;
  };
  return { fold, foldSlots, initSlot, groupAt, add, init, results, merge, fields, rowMaker };
}
