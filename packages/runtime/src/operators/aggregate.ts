import type { AggregateNode } from '@pipekit/core';
import { defer, map, type Observable, type OperatorFunction } from 'rxjs';
import { type Batch, batchOf } from '../graph/batch.js';
import type { NodeMetrics } from '../metrics/node-metrics.js';
import type { Row } from '../row.js';
import { GroupTable } from './group-table.js';
import { keyFunction } from './keys.js';
import { eventTimeOf } from './stateful-operator.js';
import { lastWindowStart } from './windows.js';

/**
 * When an aggregate emits: `final` (bounded input: every group once, when the input ends); on a
 * stream, `append` (a window once, when the watermark closes it), `update` (the groups a batch
 * changed) or `complete` (the whole result every batch).
 */
export type AggregateEmit = 'final' | 'append' | 'complete' | 'update';

type SessionWindow = Extract<NonNullable<AggregateNode['window']>, { type: 'session' }>;

/**
 * Group by key columns (and a tumbling or sliding window over an event-time column, or session
 * windows on a bounded input) and aggregate. Output: `window_start`, `window_end` (when windowed),
 * the keys, then the aggregates, groups in the order they were first seen. Groups are slots of a
 * `GroupTable`; session windows keep each key's rows until the output, as sessions need all of them.
 */
export function aggregateRows(
  node: AggregateNode,
  emit: AggregateEmit,
  metrics: NodeMetrics,
): OperatorFunction<Batch, Batch> {
  const keyCols = node.keys;
  const window = node.window;
  return (input: Observable<Batch>) =>
    defer(() => {
      const table = new GroupTable(node.aggregates, keyCols, window !== undefined);
      const keyOf = keyFunction(keyCols);
      /** Group key (with the window's start when windowed) → slot. */
      const groups = new Map<unknown, number>();
      /** Per slot: its window's start (tumbling, sliding); its rows (session windows). */
      const starts: number[] = [];
      const rowsOf: Row[][] = [];
      const touched = new Set<number>();
      const track = emit === 'update';
      const fold = (rows: readonly Row[]): void => {
        for (let i = 0; i < rows.length; i++) {
          const r = rows[i]!;
          const k = keyOf(r);
          let s = groups.get(k);
          if (s === undefined) {
            s = table.open(r);
            groups.set(k, s);
            if (window) rowsOf[s] = [];
          }
          if (window) rowsOf[s]!.push(r);
          else table.add(s, r);
          if (track) touched.add(s);
        }
      };
      const foldWindows = (rows: readonly Row[], size: number, slide: number, col: string) => {
        for (let i = 0; i < rows.length; i++) {
          const r = rows[i]!;
          const t = eventTimeOf(r[col]);
          if (t === null) continue;
          const k = keyOf(r);
          const key = typeof k === 'string' ? k : String(k);
          // The row's windows in start order, the order their groups are first seen in.
          const last = lastWindowStart(t, slide);
          let first = last;
          while (first - slide > t - size) first -= slide;
          for (let start = first; start <= last; start += slide) {
            const wk = `${start}\u0002${key}`;
            let s = groups.get(wk);
            if (s === undefined) {
              s = table.open(r);
              groups.set(wk, s);
              starts[s] = start;
            }
            table.add(s, r);
            if (track) touched.add(s);
          }
        }
      };
      const update: (rows: readonly Row[]) => void =
        window === undefined || window.type === 'session'
          ? fold
          : (rows) =>
              foldWindows(
                rows,
                window.size,
                window.type === 'sliding' ? window.slide : window.size,
                window.column,
              );
      const results = (slots: Iterable<number>): Row[] => {
        const out: Row[] = [];
        if (window === undefined) for (const s of slots) out.push(table.row(s, null, null));
        else if (window.type === 'session')
          for (const s of slots) sessionRows(out, table, s, rowsOf[s]!, window);
        else
          for (const s of slots)
            out.push(table.row(s, new Date(starts[s]!), new Date(starts[s]! + window.size)));
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
            if (groups.size === 0 && keyCols.length === 0 && !window) {
              const s = table.openKeys([]);
              out = [table.row(s, null, null)];
              table.close(s);
            }
          }
          return batchOf(b.epoch, out);
        }),
      );
    });
}

/**
 * The rows of one key's sessions: its rows sorted by event time (those without a Date or number
 * there left out), a
 * gap of at least `gap` between events starting a new session, each folded into a fresh slot.
 */
function sessionRows(
  out: Row[],
  table: GroupTable,
  keySlot: number,
  rows: readonly Row[],
  w: SessionWindow,
): void {
  const timed: { r: Row; t: number }[] = [];
  for (const r of rows) {
    const v = r[w.column];
    const t = v instanceof Date ? v.getTime() : v;
    if (typeof t === 'number') timed.push({ r, t });
  }
  timed.sort((a, b) => a.t - b.t);
  const keys = table.keysOf(keySlot);
  let i = 0;
  while (i < timed.length) {
    const s = table.openKeys(keys);
    const start = timed[i]!.t;
    let end = start + w.gap;
    for (; i < timed.length && timed[i]!.t < end; i++) {
      table.add(s, timed[i]!.r);
      end = Math.max(end, timed[i]!.t + w.gap);
    }
    out.push(table.row(s, new Date(start), new Date(end)));
    table.close(s);
  }
}
