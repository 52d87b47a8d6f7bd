/**
 * Spark parity: every scenario in scenarios/ runs on pipekit the way generate.py ran it on Spark
 * (one JSON-lines file per batch, a watched directory read one file per trigger, availableNow), and
 * each micro-batch is compared with Spark's fixture: batch ids, input rows, the watermark in
 * effect, the rows the sink received (order-free) and the state rows held after the batch. Plans
 * Spark refuses, pipekit refuses too, with one deliberate exception (exact countDistinct).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  availableNow,
  avg,
  count,
  countDistinct,
  type DurationInput,
  first,
  last,
  max,
  min,
  type Pipeline,
  parseDuration,
  session,
  sliding,
  source,
  sum,
  tumbling,
  type WindowSpec,
} from '@pipekit/core';
import {
  createLogger,
  defaultConnectors,
  type QueryProgress,
  type Row,
  runPipeline,
  type SinkBatch,
} from '@pipekit/runtime';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

const here = dirname(fileURLToPath(import.meta.url));

interface Scenario {
  readonly name: string;
  readonly window:
    | { readonly type: 'tumbling'; readonly size: string }
    | { readonly type: 'sliding'; readonly size: string; readonly slide: string }
    | { readonly type: 'session'; readonly gap: string };
  readonly watermark?: string;
  readonly keys: readonly string[];
  readonly aggregates: readonly { name: string; fn: string; column?: string }[];
  readonly outputMode: 'append' | 'update' | 'complete';
  readonly batches: readonly (readonly Row[])[];
}

interface FixtureBatch {
  readonly batchId: number;
  readonly input: number | null;
  readonly numInputRows: number;
  readonly watermark: string | null;
  readonly stateRows: number;
  readonly droppedByWatermark: number;
  readonly rows: readonly Row[];
}

type Fixture =
  | { readonly scenario: string; readonly batches: readonly FixtureBatch[] }
  | { readonly scenario: string; readonly rejected: string };

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const names = readdirSync(join(here, 'scenarios'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -'.json'.length))
  .sort();
const scenario = (name: string) => readJson<Scenario>(join(here, 'scenarios', `${name}.json`));
const fixture = (name: string) => readJson<Fixture>(join(here, 'fixtures', `${name}.json`));

const Input = z.object({
  key: z.string().nullable(),
  value: z.number().int().nullable(),
  ts: z.coerce.date(),
});

const work = mkdtempSync(join(tmpdir(), 'pipekit-parity-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The scenario's batches as files 000.json, 001.json, … in a fresh directory (as generate.py). */
function writeBatches(s: Scenario): string {
  const dir = join(work, s.name);
  mkdirSync(dir, { recursive: true });
  s.batches.forEach((rows, i) => {
    const text = rows.map((r) => JSON.stringify(r)).join('\n');
    writeFileSync(join(dir, `${String(i).padStart(3, '0')}.json`), text ? `${text}\n` : '');
  });
  return dir;
}

function windowOf(s: Scenario): WindowSpec {
  const w = s.window;
  const d = (x: string) => x as DurationInput;
  if (w.type === 'tumbling') return tumbling(d(w.size));
  if (w.type === 'sliding') return sliding(d(w.size), d(w.slide));
  return session(d(w.gap));
}

function aggregateOf(a: Scenario['aggregates'][number]): unknown {
  const c = a.column ?? '';
  switch (a.fn) {
    case 'count':
      return a.column === undefined ? count() : count(c as 'value');
    case 'countDistinct':
      return countDistinct(c as 'value');
    case 'sum':
      return sum(c as 'value');
    case 'avg':
      return avg(c as 'value');
    case 'min':
      return min(c as 'value');
    case 'max':
      return max(c as 'value');
    case 'first':
      return first(c as 'value');
    case 'last':
      return last(c as 'value');
  }
  throw new Error(`unknown aggregate ${a.fn}`);
}

/** The DSL's stages, loosely typed: the scenario decides columns and modes at run time. */
interface LooseStream {
  watermark(column: string, delay: string): LooseStream;
  window(spec: WindowSpec, options: { column: string }): LooseStream;
  groupBy(...keys: string[]): LooseStream;
  aggregate(aggregates: Record<string, unknown>): {
    sink: {
      memory(o: {
        name: string;
        outputMode: string;
        trigger: ReturnType<typeof availableNow>;
      }): Pipeline;
    };
  };
}

/** Builds the scenario's pipeline as a user would: watermark → window → groupBy → aggregate. */
function pipelineOf(s: Scenario, dir: string): Pipeline {
  let stream = source.file({
    path: dir,
    format: 'jsonl',
    watch: true,
    maxFilesPerTrigger: 1,
    schema: Input,
  }) as unknown as LooseStream;
  if (s.watermark !== undefined) stream = stream.watermark('ts', s.watermark);
  stream = stream.window(windowOf(s), { column: 'ts' });
  if (s.keys.length > 0) stream = stream.groupBy(...s.keys);
  const aggregates = Object.fromEntries(s.aggregates.map((a) => [a.name, aggregateOf(a)]));
  return stream
    .aggregate(aggregates)
    .sink.memory({ name: 'out', outputMode: s.outputMode, trigger: availableNow() });
}

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
  const p = pipelineOf(s, writeBatches(s));
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

/** A row as the fixtures hold it: times as ISO strings, keys in a fixed order. */
function plain(r: Row): string {
  const o: Record<string, unknown> = {};
  for (const k of Object.keys(r).sort()) {
    const v = r[k];
    o[k] = v instanceof Date ? v.toISOString() : v;
  }
  return JSON.stringify(o);
}
const rowSet = (rows: readonly Row[]) => rows.map(plain).sort();

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
    expect(() => pipelineOf(s, writeBatches(s))).toThrow(
      /append output of aggregation 'aggregate_1' needs a watermark on its event-time column/,
    );
  });

  it('session-update: update output of session windows, refused when built', () => {
    expect(refused('session-update')).toContain('STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION');
    const s = scenario('session-update');
    expect(() => pipelineOf(s, writeBatches(s))).toThrow(
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
