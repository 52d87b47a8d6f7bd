/**
 * The parity scenarios as pipelines: reading scenarios and fixtures, writing a scenario's batches
 * as files, and building its pipeline as a user would. Shared by the local runtime's parity test
 * and the Spark engine's (packages/spark/test/parity.test.ts).
 */
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
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
  session,
  sliding,
  source,
  sum,
  tumbling,
  type WindowSpec,
} from '@pipekit/core';
import { z } from 'zod';

export type Row = Record<string, unknown>;
const here = dirname(fileURLToPath(import.meta.url));

export interface Scenario {
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

export interface FixtureBatch {
  readonly batchId: number;
  readonly input: number | null;
  readonly numInputRows: number;
  readonly watermark: string | null;
  readonly stateRows: number;
  readonly droppedByWatermark: number;
  readonly rows: readonly Row[];
}

export type Fixture =
  | { readonly scenario: string; readonly batches: readonly FixtureBatch[] }
  | { readonly scenario: string; readonly rejected: string };

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
export const names = readdirSync(join(here, 'scenarios'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -'.json'.length))
  .sort();
export const scenario = (name: string) =>
  readJson<Scenario>(join(here, 'scenarios', `${name}.json`));
export const fixture = (name: string) => readJson<Fixture>(join(here, 'fixtures', `${name}.json`));

const Input = z.object({
  key: z.string().nullable(),
  value: z.number().int().nullable(),
  ts: z.coerce.date(),
});

/** A scratch directory for scenario files, and its removal. */
export function scratch(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'pipekit-parity-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The scenario's batches as files 000.json, 001.json, … in a fresh directory, with strictly
 * increasing modification times (as generate.py): Spark's file source orders new files by them.
 */
export function writeBatches(s: Scenario, work: string): string {
  const dir = join(work, s.name);
  mkdirSync(dir, { recursive: true });
  const base = Math.floor(Date.now() / 1000) - s.batches.length;
  s.batches.forEach((rows, i) => {
    const text = rows.map((r) => JSON.stringify(r)).join('\n');
    const file = join(dir, `${String(i).padStart(3, '0')}.json`);
    writeFileSync(file, text ? `${text}\n` : '');
    utimesSync(file, base + i, base + i);
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
export function pipelineOf(s: Scenario, dir: string): Pipeline {
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

/** A row as the fixtures hold it: times as ISO strings, keys in a fixed order. */
export function plain(r: Row): string {
  const o: Record<string, unknown> = {};
  for (const k of Object.keys(r).sort()) {
    const v = r[k];
    o[k] = v instanceof Date ? v.toISOString() : v;
  }
  return JSON.stringify(o);
}
export const rowSet = (rows: readonly Row[]) => rows.map(plain).sort();
