/**
 * The `windows` workload (bench/windows.bench.ts, and W4 of the peer benchmarks): generated events
 * (seed 7: `userId` one of 100k keys, `amount` 0–500, `ts` 1 ms apart from 2026-01-01 with 5% of
 * the events up to 1 minute early, so some are late), watermark 10 s, tumbling 1-minute windows
 * per `userId`: count, sum, max, late rows dropped. Spark's side of W4 (bench/peers/spark_driver.py)
 * makes the same events from the rate-micro-batch source's row numbers, with the same hash.
 */
import { count, gen, max, source, sum, tumbling } from '@pipekit/core';
import { generatedColumnSchema } from '../../packages/core/src/plan/sources/generate-source.js';
import { columnValues, rowFactory } from '../../packages/runtime/src/connectors/generate-values.js';

export const SEED = 7;
export const KEYS = 100_000;
export const START = Date.parse('2026-01-01T00:00:00.000Z');
export const WINDOW_MS = 60_000;
export const DELAY_MS = 10_000;

const columns = {
  userId: gen.key('user-', KEYS),
  amount: gen.uniform(0, 500, { integer: true }),
  ts: gen.eventTime({ outOfOrderShare: 0.05, maxDelay: '1 minute' }),
};

/** The aggregated stream, before its sink: `limit` events (unbounded when absent) in batches of `batchSize`. */
export function windowsStream(batchSize: number, limit?: number) {
  return source
    .generate({ seed: SEED, batchSize, ...(limit ? { limit } : {}), columns })
    .watermark('ts', `${DELAY_MS / 1000} seconds`)
    .window(tumbling('1 minute'))
    .groupBy('userId')
    .aggregate(
      { events: count(), revenue: sum('amount'), biggest: max('amount') },
      { late: 'drop' },
    );
}

/** One window's emitted groups summed up: what W4 compares between engines. */
export interface WindowSummary {
  groups: number;
  events: number;
  revenue: number;
  /** Σ of the groups' max amount. */
  biggest: number;
}

/** Adds an emitted row (`window_start` a Date or ms) to per-window summaries keyed by start ms. */
export function addToSummary(
  summary: Map<number, WindowSummary>,
  start: number,
  events: number,
  revenue: number,
  biggest: number,
): void {
  let s = summary.get(start);
  if (!s) {
    s = { groups: 0, events: 0, revenue: 0, biggest: 0 };
    summary.set(start, s);
  }
  s.groups++;
  s.events += events;
  s.revenue += revenue;
  s.biggest += biggest;
}

/**
 * What W4 must emit, computed from the events here, by Spark's rules with micro-batches of exactly
 * `batchSize` rows (both engines' batches): in batch N a row is late when its window ended at or
 * before the watermark of batch N−1; after its rows are added, windows ending at or before batch
 * N's watermark (max event time of batches < N − delay) are emitted. Returns the windows emitted by
 * the last batch (`cutoff`: the last batch's watermark): every engine must emit exactly these.
 */
export function expectedW4(
  records: number,
  batchSize: number,
): { windows: Map<number, WindowSummary>; cutoff: number; late: number } {
  const names = Object.keys(columns);
  const specs = Object.values(columns).map((c) => generatedColumnSchema.parse(c));
  const make = rowFactory(
    names,
    specs.map((c, i) => columnValues(c, i, { msPerRow: 1 })),
    SEED,
  );
  const groups = new Map<
    number,
    Map<string, { events: number; revenue: number; biggest: number }>
  >();
  let lateWm = 0;
  let wm = 0;
  let maxTs = Number.NEGATIVE_INFINITY;
  let late = 0;
  for (let from = 0; from < records; from += batchSize) {
    for (let n = from; n < Math.min(records, from + batchSize); n++) {
      const r = make(n) as { userId: string; amount: number; ts: Date };
      const t = r.ts.getTime();
      maxTs = Math.max(maxTs, t);
      const start = t - (t % WINDOW_MS);
      if (start + WINDOW_MS <= lateWm) {
        late++;
        continue;
      }
      let w = groups.get(start);
      if (!w) {
        w = new Map();
        groups.set(start, w);
      }
      const g = w.get(r.userId);
      if (g) {
        g.events++;
        g.revenue += r.amount;
        g.biggest = Math.max(g.biggest, r.amount);
      } else w.set(r.userId, { events: 1, revenue: r.amount, biggest: r.amount });
    }
    if (from + batchSize >= records) break;
    lateWm = wm;
    wm = Math.max(wm, maxTs - DELAY_MS);
  }
  const windows = new Map<number, WindowSummary>();
  for (const [start, w] of groups) {
    if (start + WINDOW_MS > wm) continue;
    for (const g of w.values()) addToSummary(windows, start, g.events, g.revenue, g.biggest);
  }
  return { windows, cutoff: wm, late };
}
