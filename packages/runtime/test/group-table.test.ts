import type { AggregateSpec } from '@pipekit/core';
import { describe, expect, it } from 'vitest';
import { GroupTable } from '../src/operators/group-table.js';
import type { Row } from '../src/row.js';

const d = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
const specs: AggregateSpec[] = [
  { name: 'n', fn: 'count' },
  { name: 'nv', fn: 'count', column: 'v' },
  { name: 'total', fn: 'sum', column: 'v' },
  { name: 'mean', fn: 'avg', column: 'v' },
  { name: 'lo', fn: 'min', column: 'v' },
  { name: 'hi', fn: 'max', column: 'v' },
  { name: 'firstS', fn: 'first', column: 's' },
  { name: 'lastS', fn: 'last', column: 's' },
  { name: 'loS', fn: 'min', column: 's' },
  { name: 'hiT', fn: 'max', column: 'ts' },
  { name: 'distinctT', fn: 'countDistinct', column: 'ts' },
];
const rows: Row[] = [
  { k: 'a', v: 4, s: 'pear', ts: d(3) },
  { k: 'a', v: null, s: null, ts: null },
  { k: 'a', v: -2.5, s: 'apple', ts: d(1) },
  { k: 'a', v: 10, s: 'fig', ts: d(3) },
];
const folded = {
  n: 4,
  nv: 3,
  total: 11.5,
  mean: 11.5 / 3,
  lo: -2.5,
  hi: 10,
  firstS: 'pear',
  lastS: 'fig',
  loS: 'apple',
  hiT: d(3),
  distinctT: 2,
};
const initial = {
  n: 0,
  nv: 0,
  total: null,
  mean: null,
  lo: null,
  hi: null,
  firstS: null,
  lastS: null,
  loS: null,
  hiT: null,
  distinctT: 0,
};

function groupOf(t: GroupTable, rs: readonly Row[]): number {
  const s = t.open(rs[0]!);
  for (const r of rs) t.add(s, r);
  return s;
}

describe('GroupTable', () => {
  it('folds every aggregate function with Spark semantics for NULLs', () => {
    const t = new GroupTable(specs, ['k'], false);
    expect(t.row(groupOf(t, rows), null, null)).toEqual({ k: 'a', ...folded });
  });

  it('gives NULL for sum, avg, min, max of only NULLs; first and last keep a NULL value', () => {
    const t = new GroupTable(specs, ['k'], false);
    const s = groupOf(t, [{ k: 'b', v: null, s: null, ts: null }]);
    expect(t.row(s, null, null)).toEqual({ ...initial, k: 'b', n: 1 });
  });

  it('puts the window first, then the keys (NULL when missing), then the aggregates', () => {
    const t = new GroupTable([{ name: 'n', fn: 'count' }], ['x', 'y'], true);
    const s = groupOf(t, [{ x: 1 }]);
    const row = t.row(s, d(0), d(10));
    expect(Object.keys(row)).toEqual(['window_start', 'window_end', 'x', 'y', 'n']);
    expect(row).toEqual({ window_start: d(0), window_end: d(10), x: 1, y: null, n: 1 });
  });

  it('reuses a closed slot from its initial state, and grows past its first capacity', () => {
    const t = new GroupTable(specs, ['k'], false);
    const many = Array.from({ length: 500 }, (_, i) => groupOf(t, [{ ...rows[0]!, k: `k${i}` }]));
    expect(new Set(many).size).toBe(500);
    expect(t.size).toBe(500);
    for (const s of many) t.close(s);
    expect(t.size).toBe(0);
    const s = t.open({ k: 'fresh' });
    expect(many).toContain(s);
    expect(t.row(s, null, null)).toEqual({ k: 'fresh', ...initial });
    for (const r of rows) t.add(s, r);
    expect(t.row(s, null, null)).toEqual({ k: 'fresh', ...folded });
  });

  it('after clear, opens every group from its initial state, tags too', () => {
    const t = new GroupTable(specs, ['k'], false, 1);
    for (let i = 0; i < 100; i++) t.setTag(groupOf(t, rows), 0, 7);
    t.clear();
    expect(t.size).toBe(0);
    const s = t.open({ k: 'b' });
    expect(t.row(s, null, null)).toEqual({ k: 'b', ...initial });
    expect(t.tag(s, 0)).toBe(0);
  });

  it('merges a later group into an earlier one as if one group had all the rows', () => {
    const t = new GroupTable(specs, ['k'], false);
    const early = groupOf(t, rows.slice(0, 2));
    const late = groupOf(t, rows.slice(2));
    t.merge(early, late);
    expect(t.row(early, null, null)).toEqual({ k: 'a', ...folded });
    const empty = t.open({ k: 'a' });
    t.merge(empty, early);
    expect(t.row(empty, null, null)).toEqual({ k: 'a', ...folded });
  });

  it('encodes a group as JSON and decodes it into an equal group', () => {
    const t = new GroupTable(specs, ['k', 'n'], false);
    const s = groupOf(
      t,
      rows.map((r) => ({ ...r, n: null })),
    );
    const json = JSON.parse(JSON.stringify(t.encode(s)));
    expect(json.k).toEqual(['a', null]);
    expect(json.x).toHaveLength(specs.length);
    const other = new GroupTable(specs, ['k', 'n'], false);
    const back = other.decode(json);
    expect(other.row(back, null, null)).toEqual(t.row(s, null, null));
    other.add(back, { k: 'a', v: 1, s: 'x', ts: d(9) });
    expect(other.row(back, null, null)).toMatchObject({ n: 5, distinctT: 3, hiT: d(9) });
    expect(other.mapKeyOf(back)).toBe(t.mapKeyOf(s));
  });
});
