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
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validatePlan } from '@pipekit/core';
import type { Row } from '@pipekit/runtime';
import { afterAll, describe, expect, it } from 'vitest';
import { ConvertError, generate } from '../src/index.js';
import { evaluate, fixturesDir, writeGenerated } from './helpers.js';
import { onFiles, rowSet, runCollecting, writeBatchFiles } from './run-on-files.js';
import { runtimeProblems } from './validate.js';

const dir = join(fixturesDir, 'spark-oracle');
const cases = readdirSync(join(dir, 'configs'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -'.json'.length))
  .sort();

type Expected = Ran | Rejected;

/** A plan Spark refused when the query started; the converter must refuse the config. */
interface Rejected {
  readonly case: string;
  readonly outputMode: string;
  readonly rejected: string;
}

interface Ran {
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

async function runConverted(name: string) {
  const file = `${name}.json`;
  const { code, conversion } = generate(file, readFileSync(join(dir, 'configs', file), 'utf8'));
  const pipeline = await evaluate(
    writeGenerated(join('spark-oracle', `${name}.pipeline.ts`), code),
  );
  expect(pipeline.plan).toEqual(conversion.plan);
  expect(validatePlan(pipeline.plan)).toEqual([]);
  expect(runtimeProblems(pipeline.plan)).toBe('');
  const input = readJson<{ batches: Row[][] }>(join(dir, 'inputs', `${name}.json`));
  const plan = onFiles(
    pipeline.plan,
    writeBatchFiles(join(work, name), input.batches),
    join(work, `${name}.checkpoint`),
  );
  const sinkIds = plan.nodes.filter((n) => n.kind === 'sink').map((n) => n.id);
  expect(sinkIds).toHaveLength(1);
  const batches = await runCollecting(plan);
  return {
    plan,
    batches: batches.map((b) => ({ ...b, rows: b.rows.get(sinkIds[0]!) ?? [] })),
  };
}

describe('converted legacy configs compute what Spark computed', () => {
  it('covers at least six windowed or aggregating configs of two dialects', () => {
    expect(cases.length).toBeGreaterThanOrEqual(6);
    expect(new Set(cases.map((c) => c.split('-')[0]))).toEqual(new Set(['etl', 'steps']));
  });

  it.each(cases)('%s', async (name) => {
    const want = readJson<Expected>(join(dir, 'expected', `${name}.json`));
    if ('rejected' in want) {
      const text = readFileSync(join(dir, 'configs', `${name}.json`), 'utf8');
      let error: unknown;
      try {
        generate(`${name}.json`, text);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConvertError);
      // Spark refused the output mode: the converter says so at the config's output-mode key.
      if (want.rejected.includes('STREAMING_OUTPUT_MODE')) {
        expect((error as ConvertError).path.at(-1)).toMatch(/^output_?[mM]ode$/);
        expect((error as ConvertError).message).toContain('Spark refuses');
      }
      return;
    }
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
