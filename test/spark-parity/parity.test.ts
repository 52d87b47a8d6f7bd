/**
 * Spark parity: every scenario in scenarios/ runs on pipekit the way generate.py ran it on Spark
 * (one JSON-lines file per batch, a watched directory read one file per trigger, availableNow), and
 * each micro-batch is compared with Spark's fixture: batch ids, input rows, the watermark in
 * effect, the rows the sink received (order-free) and the state rows held after the batch. Plans
 * Spark refuses, pipekit refuses too, with one deliberate exception (exact countDistinct).
 */
import { parseDuration } from '@pipekit/core';
import {
  createLogger,
  defaultConnectors,
  type QueryProgress,
  type Row,
  runPipeline,
  type SinkBatch,
} from '@pipekit/runtime';
import { afterAll, describe, expect, it } from 'vitest';
import {
  fixture,
  names,
  pipelineOf,
  rowSet,
  type Scenario,
  scenario,
  scratch,
  writeBatches,
} from './scenario-pipeline.js';

const { dir: work, remove } = scratch();
afterAll(remove);

interface PipekitBatch {
  readonly batchId: number;
  readonly numInputRows: number;
  readonly watermark: string | null;
  readonly stateRows: number;
  readonly lateRows: number;
  readonly rows: readonly Row[];
}

/** Runs the scenario; every micro-batch with its progress and the rows its sink received. */
async function runScenario(s: Scenario): Promise<PipekitBatch[]> {
  const p = pipelineOf(s, writeBatches(s, work));
  const written = new Map<number, readonly Row[]>();
  const connectors = defaultConnectors().registerSink('memory', () => ({
    writeBatch: (b: SinkBatch) => {
      written.set(b.batchId, b.rows);
    },
    close: () => {},
  }));
  const reports: QueryProgress[] = [];
  const run = runPipeline(p, {
    connectors,
    logger: createLogger({ level: 'error' }),
    metrics: [{ onProgress: (r) => reports.push(r) }],
  });
  await run.result;
  let lateSoFar = 0;
  return reports.map((r) => {
    const node = (kind: string) => r.nodes.find((n) => n.kind === kind);
    const late = node('aggregate')?.lateRows ?? 0;
    const b = {
      batchId: r.batchId,
      numInputRows: r.numInputRows,
      watermark: node('watermark')?.watermark ?? null,
      stateRows: node('aggregate')?.stateRows ?? 0,
      lateRows: late - lateSoFar,
      rows: written.get(r.batchId) ?? [],
    };
    lateSoFar = late;
    return b;
  });
}

describe('Spark parity: pipekit equals Spark 4.3 on every scenario', () => {
  for (const name of names) {
    const s = scenario(name);
    const f = fixture(name);
    if ('rejected' in f) continue;
    it(name, async () => {
      const got = await runScenario(s);
      expect(got.map((b) => b.batchId)).toEqual(f.batches.map((b) => b.batchId));
      f.batches.forEach((want, i) => {
        const b = got[i]!;
        const at = `${name} batch ${want.batchId}`;
        expect(b.numInputRows, `${at} input rows`).toBe(want.numInputRows);
        if (want.watermark !== null) expect(b.watermark, `${at} watermark`).toBe(want.watermark);
        expect(rowSet(b.rows), `${at} rows`).toEqual(rowSet(want.rows));
        expect(b.stateRows, `${at} state rows`).toBe(want.stateRows);
        // Spark counts dropped (window, keys) groups, pipekit late rows: both or neither.
        expect(b.lateRows > 0, `${at} late rows`).toBe(want.droppedByWatermark > 0);
      });
    });
  }
});

describe('plans Spark refuses', () => {
  const refused = (name: string) => {
    const f = fixture(name);
    if (!('rejected' in f)) throw new Error(`${name}: the fixture is not a refusal`);
    return f.rejected;
  };

  it('tumbling-append-no-watermark-rejected: append without a watermark, refused when built', () => {
    expect(refused('tumbling-append-no-watermark-rejected')).toContain(
      'STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION',
    );
    const s = scenario('tumbling-append-no-watermark-rejected');
    expect(() => pipelineOf(s, writeBatches(s, work))).toThrow(
      /append output of aggregation 'aggregate_1' needs a watermark on its event-time column/,
    );
  });

  it('session-update: update output of session windows, refused when built', () => {
    expect(refused('session-update')).toContain('STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION');
    const s = scenario('session-update');
    expect(() => pipelineOf(s, writeBatches(s, work))).toThrow(
      /update output of session-window aggregation 'aggregate_1' is not supported/,
    );
  });

  // A deliberate difference (see README.md): Spark refuses distinct aggregates on streams; pipekit
  // keeps each group's distinct values and answers exactly. The answer is checked against an
  // independent model of the same rules (README rules 6, 7, 12, 14).
  it('tumbling-update-countdistinct: pipekit accepts it and counts exactly', async () => {
    expect(refused('tumbling-update-countdistinct')).toMatch(/^Distinct aggregations/);
    const s = scenario('tumbling-update-countdistinct');
    const got = await runScenario(s);
    const want = modelTumblingUpdate(s);
    expect(got.map((b) => b.batchId)).toEqual(want.map((b) => b.batchId));
    got.forEach((b, i) => {
      expect(b.watermark).toBe(want[i]!.watermark);
      expect(rowSet(b.rows)).toEqual(rowSet(want[i]!.rows));
    });
    expect(got.some((b) => b.rows.some((r) => (r.distinct_values as number) > 1))).toBe(true);
  });
});

/**
 * An independent model of a tumbling-window aggregation in update mode with a watermark,
 * straight from the README's rules, for count(*) and countDistinct only.
 */
function modelTumblingUpdate(s: Scenario): { batchId: number; watermark: string; rows: Row[] }[] {
  if (s.window.type !== 'tumbling' || s.watermark === undefined) throw new Error('not modelled');
  const size = parseDuration(s.window.size);
  const delay = parseDuration(s.watermark);
  const state = new Map<string, { start: number; key: unknown; rows: Row[] }>();
  const out: { batchId: number; watermark: string; rows: Row[] }[] = [];
  let wm = 0;
  let previous = 0;
  let maxTs = Number.NEGATIVE_INFINITY;
  const batch = (batchId: number, rows: readonly Row[]) => {
    const changed = new Set<string>();
    for (const r of rows) {
      const t = Date.parse(r.ts as string);
      maxTs = Math.max(maxTs, t);
      const start = Math.floor(t / size) * size;
      if (start + size <= previous) continue;
      const id = `${start}|${JSON.stringify(r.key)}`;
      const g = state.get(id) ?? { start, key: r.key, rows: [] };
      g.rows.push(r);
      state.set(id, g);
      changed.add(id);
    }
    const emitted = [...changed].map((id) => {
      const g = state.get(id)!;
      const row: Row = {
        window_start: new Date(g.start).toISOString(),
        window_end: new Date(g.start + size).toISOString(),
        key: g.key,
      };
      for (const a of s.aggregates) {
        if (a.fn === 'count') row[a.name] = g.rows.length;
        else if (a.fn === 'countDistinct')
          row[a.name] = new Set(g.rows.map((x) => x[a.column!]).filter((v) => v !== null)).size;
        else throw new Error(`not modelled: ${a.fn}`);
      }
      return row;
    });
    out.push({ batchId, watermark: new Date(wm).toISOString(), rows: emitted });
    for (const [id, g] of state) if (g.start + size <= wm) state.delete(id);
    const next = Number.isFinite(maxTs) ? Math.max(wm, maxTs - delay) : wm;
    previous = wm;
    const moved = next > wm;
    wm = next;
    return moved;
  };
  let moved = false;
  s.batches.forEach((rows, i) => {
    moved = batch(i, rows);
  });
  if (moved) batch(s.batches.length, []);
  return out;
}
