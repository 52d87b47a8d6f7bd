import type { AggregateNode } from '@pipekit/core';
import { defer, map, type Observable, type OperatorFunction } from 'rxjs';
import { type Batch, batchOf } from '../graph/batch.js';
import type { NodeMetrics } from '../metrics/node-metrics.js';
import type { Row } from '../row.js';
import { type Aggregator, aggregatorOf } from './aggregators.js';
import { keyFunction } from './keys.js';
import { windowAssigner } from './windows.js';

/**
 * When an aggregate emits: `final` (bounded input: every group once, when the input ends),
 * `complete` (the whole result every batch) or `update` (the groups a batch changed).
 */
export type AggregateEmit = 'final' | 'complete' | 'update';

interface Group {
  readonly keys: readonly unknown[];
  readonly window: readonly [number, number] | null;
  readonly acc: unknown[];
  /** Session windows: the group's rows until the input ends. */
  readonly rows: Row[] | null;
}

/**
 * Group by key columns (and a tumbling or sliding window over an event-time column, or session
 * windows on a bounded input) and aggregate. Output: `window_start`, `window_end` (when windowed),
 * the keys, then the aggregates.
 */
export function aggregateRows(node: AggregateNode, emit: AggregateEmit, metrics: NodeMetrics): OperatorFunction<Batch, Batch> {
  const aggs = node.aggregates.map(aggregatorOf);
  const keyCols = node.keys;
  const window = node.window;
  return (input: Observable<Batch>) =>
    defer(() => {
      const groups = new Map<unknown, Group>();
      const touched = new Set<Group>();
      const keyOf = keyFunction(keyCols);
      const newGroup = (r: Row, w: readonly [number, number] | null, session: boolean): Group => ({
        keys: keyCols.map((k) => r[k] ?? null),
        window: w,
        acc: aggs.map((a) => a.init()),
        rows: session ? [] : null,
      });
      const add = (g: Group, r: Row) => {
        const acc = g.acc;
        for (let j = 0; j < aggs.length; j++) acc[j] = aggs[j]!.add(acc[j], r);
      };
      let update: (rows: readonly Row[]) => void;
      if (!window) {
        update = (rows) => {
          for (let i = 0; i < rows.length; i++) {
            const r = rows[i]!;
            const k = keyOf(r);
            let g = groups.get(k);
            if (!g) groups.set(k, (g = newGroup(r, null, false)));
            add(g, r);
            if (emit === 'update') touched.add(g);
          }
        };
      } else if (window.type === 'session') {
        update = (rows) => {
          for (const r of rows) {
            const k = keyOf(r);
            let g = groups.get(k);
            if (!g) groups.set(k, (g = newGroup(r, null, true)));
            g.rows!.push(r);
          }
        };
      } else {
        const assign = windowAssigner(window);
        update = (rows) => {
          for (const r of rows) {
            const k = keyOf(r);
            for (const w of assign(r)) {
              const wk = `${w[0]}\u0002${typeof k === 'string' ? k : String(k)}`;
              let g = groups.get(wk);
              if (!g) groups.set(wk, (g = newGroup(r, w, false)));
              add(g, r);
            }
          }
        };
      }
      const toRow = (g: Group, w: readonly [number, number] | null, acc: readonly unknown[]): Row => {
        const out: Row = {};
        if (window) {
          out.window_start = new Date(w![0]);
          out.window_end = new Date(w![1]);
        }
        keyCols.forEach((k, i) => {
          out[k] = g.keys[i];
        });
        node.aggregates.forEach((a, i) => {
          out[a.name] = aggs[i]!.result(acc[i]);
        });
        return out;
      };
      const results = (list: Iterable<Group>): Row[] => {
        const out: Row[] = [];
        for (const g of list) {
          if (g.rows) for (const s of sessions(g.rows, window as SessionWindow, aggs)) out.push(toRow(g, s.window, s.acc));
          else out.push(toRow(g, g.window, g.acc));
        }
        return out;
      };
      return input.pipe(
        map((b) => {
          update(b.rows);
          metrics.stateRows = groups.size;
          let out: Row[] = [];
          if (emit === 'complete') out = results(groups.values());
          else if (emit === 'update') {
            out = results(touched);
            touched.clear();
          } else if (b.epoch.final) {
            out = results(groups.values());
            // A global aggregate over no rows is one row, as in SQL.
            if (groups.size === 0 && keyCols.length === 0 && !window) out = [toRow({ keys: [], window: null, acc: [], rows: null }, null, aggs.map((a) => a.init()))];
          }
          return batchOf(b.epoch, out);
        }),
      );
    });
}

type SessionWindow = Extract<NonNullable<AggregateNode['window']>, { type: 'session' }>;

/** Splits a key's rows into sessions (gaps of at least `gap` between events) and aggregates each. */
function sessions(rows: Row[], w: SessionWindow, aggs: readonly Aggregator[]): { window: [number, number]; acc: unknown[] }[] {
  const timed = rows
    .map((r) => ({ r, t: r[w.column] instanceof Date ? (r[w.column] as Date).getTime() : (r[w.column] as number | null) }))
    .filter((x): x is { r: Row; t: number } => typeof x.t === 'number')
    .sort((a, b) => a.t - b.t);
  const out: { window: [number, number]; acc: unknown[] }[] = [];
  let current: { window: [number, number]; acc: unknown[] } | null = null;
  for (const { r, t } of timed) {
    if (!current || t >= current.window[1]) {
      current = { window: [t, t + w.gap], acc: aggs.map((a) => a.init()) };
      out.push(current);
    }
    current.window[1] = Math.max(current.window[1], t + w.gap);
    for (let j = 0; j < aggs.length; j++) current.acc[j] = aggs[j]!.add(current.acc[j], r);
  }
  return out;
}
