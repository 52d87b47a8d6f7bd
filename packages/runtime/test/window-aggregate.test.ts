import type { AggregateNode, AggregateSpec } from '@pipekit/core';
import { describe, expect, it } from 'vitest';
import { WindowAggregate } from '../src/operators/window-aggregate.js';
import type { Row } from '../src/row.js';

/**
 * The windowed aggregate (group table + window slots) against a plain model of the same rules:
 * each (window, keys) group keeps its rows in a Map, aggregates are computed from them at the end.
 * Random rows, out of order, with NULLs, over tumbling and sliding windows in every output mode.
 */
const aggregates: AggregateSpec[] = [
  { name: 'n', fn: 'count' },
  { name: 'total', fn: 'sum', column: 'v' },
  { name: 'mean', fn: 'avg', column: 'v' },
  { name: 'hi', fn: 'max', column: 'v' },
  { name: 'early', fn: 'min', column: 'ts' },
  { name: 'firstTag', fn: 'first', column: 'tag' },
  { name: 'tags', fn: 'countDistinct', column: 'tag' },
];
type Win = { type: 'tumbling'; size: number } | { type: 'sliding'; size: number; slide: number };
type Mode = 'append' | 'update' | 'complete';

function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function batchesOf(seed: number): Row[][] {
  const rnd = random(seed);
  const batches: Row[][] = [];
  let now = 0;
  for (let b = 0; b < 12; b++) {
    const rows: Row[] = [];
    for (let i = 0; i < 40; i++) {
      now += Math.floor(rnd() * 400);
      const back = rnd() < 0.2 ? Math.floor(rnd() * 20_000) : 0;
      rows.push({
        user: rnd() < 0.1 ? null : `u${Math.floor(rnd() * 6)}`,
        region: Math.floor(rnd() * 2),
        v: rnd() < 0.15 ? null : Math.floor(rnd() * 100) - 20,
        tag: rnd() < 0.1 ? null : `t${Math.floor(rnd() * 4)}`,
        ts: rnd() < 0.03 ? null : new Date(now - back),
      });
    }
    batches.push(rows);
  }
  return batches;
}

/** The aggregates of a group's rows, computed directly. */
function aggregate(rows: readonly Row[]): Row {
  const vs = rows.map((r) => r.v).filter((v): v is number => v != null);
  const times = rows.map((r) => r.ts as Date);
  const tags = rows.map((r) => r.tag).filter((t) => t != null);
  return {
    n: rows.length,
    total: vs.length === 0 ? null : vs.reduce((a, b) => a + b, 0),
    mean: vs.length === 0 ? null : vs.reduce((a, b) => a + b, 0) / vs.length,
    hi: vs.length === 0 ? null : Math.max(...vs),
    early: new Date(Math.min(...times.map((t) => t.getTime()))),
    firstTag: rows[0]!.tag ?? null,
    tags: new Set(tags).size,
  };
}

/** Spark's rules for one batch, on a Map of (window, keys) → rows. */
function model(w: Win, mode: Mode) {
  const slide = w.type === 'sliding' ? w.slide : w.size;
  const groups = new Map<string, { start: number; user: unknown; region: unknown; rows: Row[] }>();
  const step = (rows: readonly Row[], late: number, wm: number) => {
    const touched = new Set<string>();
    const dropped: Row[] = [];
    for (const r of rows) {
      if (r.ts === null) continue;
      const t = (r.ts as Date).getTime();
      let isLate = false;
      for (let start = Math.floor(t / slide) * slide; start > t - w.size; start -= slide) {
        if (mode !== 'complete' && start + w.size <= late) {
          isLate = true;
          continue;
        }
        const id = JSON.stringify([start, r.user, r.region]);
        const g = groups.get(id) ?? { start, user: r.user, region: r.region, rows: [] };
        groups.set(id, g);
        g.rows.push(r);
        touched.add(id);
      }
      if (isLate) dropped.push(r);
    }
    const row = (id: string) => {
      const g = groups.get(id)!;
      return {
        window_start: new Date(g.start),
        window_end: new Date(g.start + w.size),
        user: g.user,
        region: g.region,
        ...aggregate(g.rows),
      };
    };
    const out =
      mode === 'complete'
        ? [...groups.keys()].map(row)
        : mode === 'update'
          ? [...touched].map(row)
          : [];
    if (mode !== 'complete')
      for (const [id, g] of groups)
        if (g.start + w.size <= wm) {
          if (mode === 'append') out.push(row(id));
          groups.delete(id);
        }
    return { rows: out, late: dropped };
  };
  const openWindows = () => new Set([...groups.values()].map((g) => g.start)).size;
  return { step, openWindows };
}

const nodeOf = (w: Win) =>
  ({
    id: 'agg',
    kind: 'aggregate',
    input: 'in',
    keys: ['user', 'region'],
    aggregates,
    window: { ...w, column: 'ts' },
  }) as AggregateNode & { window: Win & { column: string } };

/** The next batch's watermarks, as the event-time clock moves them (4 s delay). */
function advance(view: { lateWatermark: number; watermark: number }, rows: readonly Row[]) {
  const times = rows.filter((r) => r.ts).map((r) => (r.ts as Date).getTime());
  view.lateWatermark = view.watermark;
  view.watermark = Math.max(view.watermark, Math.max(...times) - 4_000);
}

const sorted = (rows: readonly Row[]) =>
  rows.map((r) => JSON.stringify(r)).sort((a, b) => a.localeCompare(b));

const windows: Win[] = [
  { type: 'tumbling', size: 5_000 },
  { type: 'sliding', size: 10_000, slide: 5_000 },
  { type: 'sliding', size: 10_000, slide: 3_000 },
];
const modes: Mode[] = ['append', 'update', 'complete'];

describe.each(windows)('windowed aggregate, $type $size/$slide', (w) => {
  it.each(modes)('%s mode gives the rows of the plain model, batch by batch', (mode) => {
    for (const seed of [1, 2, 3]) {
      const view = { lateWatermark: 0, watermark: 0 };
      const op = new WindowAggregate('agg', nodeOf(w), mode, view);
      const expected = model(w, mode);
      for (const rows of batchesOf(seed)) {
        const got = op.process(rows);
        const want = expected.step(rows, view.lateWatermark, view.watermark);
        expect(sorted(got.rows)).toEqual(sorted(want.rows));
        expect(got.late).toEqual(want.late);
        expect(op.openWindows()).toBe(expected.openWindows());
        advance(view, rows);
      }
    }
  });

  it('restored from a snapshot in the middle, goes on as the operator that was not stopped', () => {
    const node = nodeOf(w);
    const view = { lateWatermark: 0, watermark: 0 };
    const straight = new WindowAggregate('agg', node, 'update', view);
    let restarted = new WindowAggregate('agg', node, 'update', view);
    batchesOf(9).forEach((rows, b) => {
      if (b % 4 === 3) {
        const snapshot = JSON.parse(JSON.stringify(restarted.snapshotState()));
        restarted = new WindowAggregate('agg', node, 'update', view);
        restarted.restoreState(snapshot);
      }
      expect(restarted.process(rows)).toEqual(straight.process(rows));
      expect(restarted.stateEntries()).toBe(straight.stateEntries());
      advance(view, rows);
    });
  });
});

describe('windowed aggregate state', () => {
  it('stays as large as the open windows: closed windows free their groups for the next', () => {
    const node = {
      id: 'agg',
      kind: 'aggregate',
      input: 'in',
      keys: ['k'],
      aggregates,
      window: { type: 'tumbling', size: 1_000, column: 'ts' },
    } as AggregateNode & { window: { type: 'tumbling'; size: number; column: string } };
    const view = { lateWatermark: 0, watermark: 0 };
    const op = new WindowAggregate('agg', node, 'append', view);
    const bytes: number[] = [];
    let emitted = 0;
    for (let w = 0; w < 60; w++) {
      // 300 keys of this window only, then the watermark closes it.
      const rows = Array.from({ length: 300 }, (_, i) => ({
        k: `w${w}-${i}`,
        v: i,
        tag: 't',
        ts: new Date(w * 1_000 + i),
      }));
      emitted += op.process(rows).rows.length;
      expect(op.stateEntries()).toBe(300);
      view.lateWatermark = view.watermark;
      view.watermark = (w + 1) * 1_000;
      bytes.push(op.stateBytes());
    }
    expect(emitted).toBe(59 * 300);
    expect(op.openWindows()).toBe(1);
    expect(Math.max(...bytes.slice(5))).toBeLessThanOrEqual(bytes[4]!);
  });
});
