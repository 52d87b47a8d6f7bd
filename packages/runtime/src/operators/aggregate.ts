import type { AggregateNode } from '@pipekit/core';
import { defer, map, type Observable, type OperatorFunction } from 'rxjs';
import { type Batch, batchOf } from '../graph/batch.js';
import type { NodeMetrics } from '../metrics/node-metrics.js';
import type { Row } from '../row.js';
import { type GroupState, groupUpdater, type SlotTable } from './group-update.js';
import { keyFunction } from './keys.js';
import { windowAssigner } from './windows.js';

/**
 * When an aggregate emits: `final` (bounded input: every group once, when the input ends); on a
 * stream, `append` (a window once, when the watermark closes it), `update` (the groups a batch
 * changed) or `complete` (the whole result every batch).
 */
export type AggregateEmit = 'final' | 'append' | 'complete' | 'update';

type Group = GroupState & {
  window: readonly [number, number] | null;
  /** Session windows: the group's rows until the input ends. */
  rows: Row[] | null;
};

/**
 * Group by key columns (and a tumbling or sliding window over an event-time column, or session
 * windows on a bounded input) and aggregate. Output: `window_start`, `window_end` (when windowed),
 * the keys, then the aggregates.
 */
export function aggregateRows(
  node: AggregateNode,
  emit: AggregateEmit,
  metrics: NodeMetrics,
): OperatorFunction<Batch, Batch> {
  const updater = groupUpdater(node.aggregates);
  const keyCols = node.keys;
  const window = node.window;
  return (input: Observable<Batch>) =>
    defer(() => {
      const groups = new Map<unknown, Group>();
      const touched = new Set<Group>();
      const keyOf = keyFunction(keyCols);
      const newGroup = (r: Row, w: readonly [number, number] | null, session: boolean): Group => {
        const g = updater.init(keyCols.map((k) => r[k] ?? null)) as Group;
        g.window = w;
        g.rows = session ? [] : null;
        return g;
      };
      const groupOf = (r: Row): Group => {
        const k = keyOf(r);
        let g = groups.get(k);
        if (g === undefined) {
          g = newGroup(r, null, false);
          groups.set(k, g);
        }
        if (emit === 'update') touched.add(g);
        return g;
      };
      // Unwindowed: groups held flat (a slot per group), so folding a row allocates nothing and
      // touches one double array instead of a group object and its boxed numbers.
      const slots = new Map<unknown, number>();
      const slotKeys: (readonly unknown[])[] = [];
      const table: SlotTable = { nums: [], x: [] };
      const slotOf = (r: Row): number => {
        const k = keyOf(r);
        let s = slots.get(k);
        if (s === undefined) {
          s = slotKeys.length;
          slotKeys.push(keyCols.map((c) => r[c] ?? null));
          updater.initSlot(table);
          slots.set(k, s);
        }
        return s;
      };
      const slotGroups = function* (): Iterable<Group> {
        for (let s = 0; s < slotKeys.length; s++) {
          const g = updater.groupAt(table, s, slotKeys[s]!) as Group;
          g.window = null;
          g.rows = null;
          yield g;
        }
      };
      let update: (rows: readonly Row[]) => void;
      if (!window && emit === 'final') update = (rows) => updater.foldSlots(rows, slotOf, table);
      else if (!window) update = (rows) => updater.fold(rows, groupOf as (r: Row) => GroupState);
      else if (window.type === 'session') {
        update = (rows) => {
          for (const r of rows) {
            const k = keyOf(r);
            let g = groups.get(k);
            if (!g) {
              g = newGroup(r, null, true);
              groups.set(k, g);
            }
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
              if (!g) {
                g = newGroup(r, w, false);
                groups.set(wk, g);
              }
              updater.add(g, r);
            }
          }
        };
      }
      const toRow = (
        keys: readonly unknown[],
        w: readonly [number, number] | null,
        values: readonly unknown[],
      ): Row => {
        const out: Row = {};
        if (window) {
          out.window_start = new Date(w![0]);
          out.window_end = new Date(w![1]);
        }
        keyCols.forEach((k, i) => {
          out[k] = keys[i];
        });
        node.aggregates.forEach((a, i) => {
          out[a.name] = values[i];
        });
        return out;
      };
      const results = (list: Iterable<Group>): Row[] => {
        const out: Row[] = [];
        for (const g of list) {
          if (g.rows) {
            for (const s of sessions(g.rows, window as SessionWindow)) {
              const sg = updater.init(g.keys);
              for (const r of s.rows) updater.add(sg, r);
              out.push(toRow(g.keys, s.window, updater.results(sg)));
            }
          } else out.push(toRow(g.keys, g.window, updater.results(g)));
        }
        return out;
      };
      return input.pipe(
        map((b) => {
          update(b.rows);
          const flat = !window && emit === 'final';
          metrics.stateRows = flat ? slots.size : groups.size;
          let out: Row[] = [];
          if (emit === 'complete') out = results(groups.values());
          else if (emit === 'update') {
            out = results(touched);
            touched.clear();
          } else if (b.epoch.final) {
            out = results(flat ? slotGroups() : groups.values());
            // A global aggregate over no rows is one row, as in SQL.
            if ((flat ? slots.size : groups.size) === 0 && keyCols.length === 0 && !window)
              out = [toRow([], null, updater.results(updater.init([])))];
          }
          return batchOf(b.epoch, out);
        }),
      );
    });
}

type SessionWindow = Extract<NonNullable<AggregateNode['window']>, { type: 'session' }>;

/** Splits a key's rows into sessions: a gap of at least `gap` between events starts a new one. */
function sessions(
  rows: readonly Row[],
  w: SessionWindow,
): { window: [number, number]; rows: Row[] }[] {
  const timed = rows
    .map((r) => ({
      r,
      t:
        r[w.column] instanceof Date
          ? (r[w.column] as Date).getTime()
          : (r[w.column] as number | null),
    }))
    .filter((x): x is { r: Row; t: number } => typeof x.t === 'number')
    .sort((a, b) => a.t - b.t);
  const out: { window: [number, number]; rows: Row[] }[] = [];
  let current: { window: [number, number]; rows: Row[] } | null = null;
  for (const { r, t } of timed) {
    if (!current || t >= current.window[1]) {
      current = { window: [t, t + w.gap], rows: [] };
      out.push(current);
    }
    current.window[1] = Math.max(current.window[1], t + w.gap);
    current.rows.push(r);
  }
  return out;
}
