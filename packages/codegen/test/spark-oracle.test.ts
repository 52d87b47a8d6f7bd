/**
 * Spark parity of converted pipelines. Each legacy config in fixtures/spark-oracle/configs ran on
 * real Spark 4.3 through spark-oracle/oracle.py, which reads the config as the legacy apps did (never through
 * the converter); fixtures/spark-oracle/expected holds what every micro-batch handed to the sink. Here the
 * config is converted, the generated file is evaluated (the code, not the converter's plan), and
 * the pipeline runs on the local runtime on the same input files: batch for batch, the rows equal.
 *
 * Both sides read one input file per micro-batch and run to the end of the input (`availableNow`);
 * both hand each batch to a collecting sink (Spark's `foreachBatch`, pipekit's memory sink) instead
 * of the config's Delta/Postgres/Kafka/console load, whose writing is tested with each connector.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Plan, type PlanNode, validatePlan } from '@pipekit/core';
import {
  createLogger,
  defaultConnectors,
  type QueryProgress,
  type Row,
  runPipeline,
  type SinkBatch,
} from '@pipekit/runtime';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from '../src/index.js';
import { evaluate, fixturesDir, writeGenerated } from './helpers.js';
import { runtimeProblems } from './validate.js';

const dir = join(fixturesDir, 'spark-oracle');
const cases = readdirSync(join(dir, 'configs'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -'.json'.length))
  .sort();

interface Expected {
  readonly case: string;
  readonly outputMode: string;
  readonly batches: readonly {
    readonly batchId: number;
    readonly input: number | null;
    readonly watermark: string | null;
    readonly rows: readonly Row[];
  }[];
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const work = mkdtempSync(join(tmpdir(), 'pipekit-codegen-oracle-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The input batches as files 000.json, 001.json, … (as oracle.py writes them for Spark). */
function writeInput(name: string): string {
  const input = readJson<{ batches: Row[][] }>(join(dir, 'inputs', `${name}.json`));
  const at = join(work, name);
  mkdirSync(at, { recursive: true });
  input.batches.forEach((rows, i) => {
    const text = rows.map((r) => JSON.stringify(r)).join('\n');
    writeFileSync(join(at, `${String(i).padStart(3, '0')}.json`), text ? `${text}\n` : '');
  });
  return at;
}

/**
 * The converted plan, reading the input directory one file a batch, writing to collecting sinks,
 * checkpointing into the test's own directory (never the config's).
 */
function onInput(plan: Plan, inputDir: string, checkpoint: string): Plan {
  const nodes = plan.nodes.map((n): PlanNode => {
    if (n.kind === 'source') {
      if (n.source.type !== 'file') throw new Error(`${n.id}: the oracle reads files only`);
      return { ...n, source: { ...n.source, path: inputDir, maxFilesPerTrigger: 1 } };
    }
    if (n.kind === 'sink')
      return {
        ...n,
        sink: { type: 'memory', name: n.id },
        trigger: { type: 'availableNow' },
        ...(n.checkpoint === undefined ? {} : { checkpoint }),
      };
    return n;
  });
  return { ...plan, nodes };
}

async function runConverted(name: string) {
  const file = `${name}.json`;
  const { code, conversion } = generate(file, readFileSync(join(dir, 'configs', file), 'utf8'));
  const pipeline = await evaluate(
    writeGenerated(join('spark-oracle', `${name}.pipeline.ts`), code),
  );
  expect(pipeline.plan).toEqual(conversion.plan);
  expect(validatePlan(pipeline.plan)).toEqual([]);
  expect(runtimeProblems(pipeline.plan)).toBe('');
  const plan = onInput(pipeline.plan, writeInput(name), join(work, `${name}.checkpoint`));
  const written = new Map<number, readonly Row[]>();
  const connectors = defaultConnectors().registerSink('memory', () => ({
    writeBatch: (b: SinkBatch) => {
      written.set(b.batchId, b.rows);
    },
    close: () => {},
  }));
  const reports: QueryProgress[] = [];
  const run = runPipeline(
    { plan, udfs: new Map() },
    {
      connectors,
      logger: createLogger({ level: 'error' }),
      metrics: [{ onProgress: (r) => reports.push(r) }],
    },
  );
  await run.result;
  return {
    plan,
    batches: reports.map((r) => ({
      batchId: r.batchId,
      watermark: r.nodes.find((n) => n.kind === 'watermark')?.watermark ?? null,
      rows: written.get(r.batchId) ?? [],
    })),
  };
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

describe('converted legacy configs compute what Spark computed', () => {
  it('covers at least six windowed or aggregating configs of two dialects', () => {
    expect(cases.length).toBeGreaterThanOrEqual(6);
    expect(new Set(cases.map((c) => c.split('-')[0]))).toEqual(new Set(['etl', 'steps']));
  });

  it.each(cases)('%s', async (name) => {
    const want = readJson<Expected>(join(dir, 'expected', `${name}.json`));
    const got = await runConverted(name);
    const sink = got.plan.nodes.find((n) => n.kind === 'sink');
    expect(sink?.kind === 'sink' && sink.outputMode).toBe(want.outputMode);
    expect(got.batches.map((b) => b.batchId)).toEqual(want.batches.map((b) => b.batchId));
    want.batches.forEach((w, i) => {
      const b = got.batches[i]!;
      const at = `${name} batch ${w.batchId}`;
      expect(rowSet(b.rows), `${at} rows`).toEqual(rowSet(w.rows));
      if (w.watermark !== null) expect(b.watermark, `${at} watermark`).toBe(w.watermark);
      // Not numInputRows: Spark pushes a filter into its JSON reader and counts the rows after it
      // (4 of 5 in etl-filter-validation-complete batch 0); oracle.py checked that each batch read
      // exactly its input file.
    });
  });
});
