/**
 * The classes of issue #14, each on configs of its own (test/fixtures, converted, snapshotted,
 * type-checked and validated by examples.test.ts): here, that each plan means what its config
 * means, and that configs no faithful plan exists for are refused at the right key, in words that
 * say why and what would do.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Plan, PlanNode, PlanNodeOf } from '@pipekit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { ConvertError, convertConfig, generate } from '../src/index.js';
import { evaluate, fixturesDir, read, writeGenerated } from './helpers.js';
import { onFiles, rowSet, runCollecting, writeBatchFiles } from './run-on-files.js';

const refusedDir = join(fixturesDir, '..', 'refused');

function convert(file: string) {
  return convertConfig(file, read(join(fixturesDir, file)));
}
const nodesOf = <K extends PlanNode['kind']>(plan: Plan, kind: K) =>
  plan.nodes.filter((n): n is PlanNodeOf<K> => n.kind === kind);

function refusal(file: string): ConvertError {
  try {
    convertConfig(file, read(join(refusedDir, file)));
  } catch (e) {
    if (e instanceof ConvertError) return e;
    throw e;
  }
  throw new Error(`${file} converted; it should be refused`);
}

describe('a stream joined with a bounded input is a lookup join', () => {
  it('an uncached table is refreshed at the trigger interval, as Spark re-reads it each batch', () => {
    const { plan } = convert('steps/lookup-postgres-refresh.json');
    const [j] = nodesOf(plan, 'join');
    expect(j).toMatchObject({ joinType: 'left', lookup: { refresh: 30_000 } });
    expect(plan.nodes.find((n) => n.id === j!.right)).toMatchObject({
      source: { type: 'postgres', table: 'customers' },
    });
  });

  it('a cached table on the left of a right outer join: stream on the left, a left lookup read once', () => {
    const { plan } = convert('steps/lookup-cached-swapped.json');
    const [j] = nodesOf(plan, 'join');
    expect(j).toMatchObject({
      joinType: 'left',
      lookup: {},
      on: { left: ['product_id'], right: ['id'] },
    });
    expect(j!.lookup?.refresh).toBeUndefined();
    expect(plan.nodes.find((n) => n.id === j!.left)).toMatchObject({
      source: { type: 'delta', stream: true },
    });
  });

  it('an outer join Spark refuses on a stream and a table is refused at joinType', () => {
    const e = refusal('steps/full-outer-stream-static.json');
    expect(e.path).toEqual(['steps', 2, 'config', 'joinType']);
    expect(e.message).toMatch(
      /a full outer join of a stream \(the left side\) with a bounded input is refused by Spark too.*\(supported: joinType 'inner' or joinType 'left'\)/,
    );
  });
});

describe('a late-data side output runs in the main query', () => {
  it.each([
    ['etl/late-separate-kafka-upsert.json', { type: 'processingTime', interval: 60_000 }],
    ['etl/late-separate-files.json', { type: 'once' }],
    ['etl/late-separate.json', { type: 'availableNow' }],
  ])('%s: the side sink has the main trigger and no checkpoint of its own', (file, trigger) => {
    const { plan } = convert(file);
    const [main, side] = nodesOf(plan, 'sink');
    expect(main!.trigger).toEqual(trigger);
    expect(side!.trigger).toEqual(trigger);
    expect(side!.checkpoint).toBeUndefined();
    expect(main!.checkpoint).toBeDefined();
    expect(plan.nodes.find((n) => n.id === side!.input)).toMatchObject({
      kind: 'sideOutput',
      output: 'late',
    });
  });
});

describe('a converted late-data side output runs', () => {
  const work = mkdtempSync(join(tmpdir(), 'pipekit-codegen-late-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('one query, one checkpoint: closed windows to the load, late rows to the side table', async () => {
    const file = 'etl/late-separate-files.json';
    const { code, conversion } = generate(file, read(join(fixturesDir, file)));
    const pipeline = await evaluate(writeGenerated(join('runs', 'late-separate-files.ts'), code));
    expect(pipeline.plan).toEqual(conversion.plan);
    const at = (t: string) => `2026-01-01T${t}Z`;
    const input = writeBatchFiles(join(work, 'in'), [
      [{ door: 'a', opened: true, at: at('00:00:01') }],
      // Moves the watermark (5 minutes' delay) past the end of [00:00, 01:00).
      [{ door: 'a', opened: true, at: at('02:00:00') }],
      // On time, as in Spark: the watermark that judges a batch's rows is the one of the batch
      // before (rule 7 of test/spark-parity/README.md), still before 01:00. [00:00, 01:00) closes.
      [{ door: 'b', opened: true, at: at('00:30:00') }],
      // Late: its hour was closed by the batch before.
      [{ door: 'c', opened: true, at: at('00:40:00') }],
    ]);
    const plan = onFiles(pipeline.plan, input, join(work, 'checkpoint'));
    const [main, side] = plan.nodes.filter((n) => n.kind === 'sink').map((n) => n.id);
    const batches = await runCollecting(plan);
    expect(new Set(batches.map((b) => b.queryId)).size).toBe(1);
    const all = (id: string) => batches.flatMap((b) => [...(b.rows.get(id) ?? [])]);
    expect(rowSet(all(main!))).toEqual(
      rowSet([
        {
          window_start: at('00:00:00.000'),
          window_end: at('01:00:00.000'),
          door: 'a',
          openings: 1,
        },
        {
          window_start: at('00:00:00.000'),
          window_end: at('01:00:00.000'),
          door: 'b',
          openings: 1,
        },
      ]),
    );
    expect(rowSet(all(side!))).toEqual(
      rowSet([{ door: 'c', opened: true, at: new Date(at('00:40:00')) }]),
    );
    // The late row reaches the side table in the batch that read it.
    expect(batches.findIndex((b) => (b.rows.get(side!) ?? []).length > 0)).toBe(3);
  });
});

describe('step-list loads with different triggers are separate queries, as in Spark', () => {
  it('each reads its input on its own; the columns constant is shared', () => {
    const { plan } = convert('steps/streaming-typed.json');
    const sinks = nodesOf(plan, 'sink');
    const sources = nodesOf(plan, 'source');
    expect(sinks.map((s) => s.trigger.type)).toEqual(['once', 'processingTime']);
    expect(sources).toHaveLength(2);
    const { code } = generate(
      'steps/streaming-typed.json',
      read(join(fixturesDir, 'steps/streaming-typed.json')),
    );
    expect(code.match(/const Click = /g)).toHaveLength(1);
    expect(code).toContain('schema: Click,\n');
  });
});

describe('output modes a sink cannot take', () => {
  it('update into Delta (ETL): at streamingConfigJson.outputMode, the core’s reason and the alternatives', () => {
    const e = refusal('etl/update-into-delta.json');
    expect(e.path).toEqual(['streamingConfigJson', 'outputMode']);
    expect(e.message).toBe(
      "etl/update-into-delta.json: streamingConfigJson.outputMode: .sink.delta(...) cannot take outputMode 'update': delta takes append, complete. Spark refuses update output into delta too. To keep each group's latest values: outputMode 'complete' (the whole result table is rewritten every batch), or a Postgres load that upserts on a key, or Kafka (they take update output)",
    );
  });

  it('update into files (step list): at the load’s outputMode, without complete (files cannot take it)', () => {
    const e = refusal('steps/update-into-files.json');
    expect(e.path).toEqual(['steps', 2, 'config', 'outputMode']);
    expect(e.message).toContain(
      ".sink.file(...) cannot take outputMode 'update': file takes append",
    );
    expect(e.message).toContain('a Postgres load that upserts on a key, or Kafka');
    expect(e.message).not.toContain("outputMode 'complete'");
  });

  it('complete without an aggregation (streaming node): at streaming.output_mode, with the fix', () => {
    const e = refusal('nodes/complete-into-delta-rows.yaml');
    expect(e.path).toEqual(['streaming', 'output_mode']);
    expect(e.message).toBe(
      "nodes/complete-into-delta-rows.yaml: streaming.output_mode: complete output mode needs an aggregation (use outputMode 'append')",
    );
  });
});

describe('inferred columns are nullable, as Spark’s', () => {
  it.each(['steps/nullable-kafka-counts.json', 'steps/streaming-typed.json'])(
    '%s: every inferred column may be null',
    (file) => {
      const { plan } = convert(file);
      const fields = nodesOf(plan, 'source').flatMap((s) => s.schema?.fields ?? []);
      expect(fields.length).toBeGreaterThan(0);
      expect(fields.every((f) => f.nullable)).toBe(true);
    },
  );

  it('a declared not-null column stays not null', () => {
    const { plan } = convert('etl/late-separate.json');
    const [src] = nodesOf(plan, 'source');
    expect(src!.schema?.fields.find((f) => f.name === 'ts')?.nullable).toBe(false);
    expect(src!.schema?.fields.find((f) => f.name === 'host')?.nullable).toBe(true);
  });
});

describe('zero durations where Spark takes them', () => {
  it.each(['etl/zero-watermark.json', 'nodes/zero-watermark.yaml'])(
    '%s: a zero watermark delay (a string, or the number 0)',
    (file) => {
      const [w] = nodesOf(convert(file).plan, 'watermark');
      expect(w!.delay).toBe(0);
    },
  );

  it('a zero trigger interval is still a config error', () => {
    const e = refusal('etl/zero-trigger.json');
    expect(e.path).toEqual(['streamingConfigJson', 'triggerMode']);
    expect(e.message).toContain("'0 seconds' is not a duration: it must be positive");
  });

  it('a negative delay is refused, as a number as well as a string', () => {
    const e = refusal('nodes/negative-watermark.yaml');
    expect(e.path).toEqual(['input', 'watermark', 'delay']);
    expect(e.message).toContain('-1000 ms is not a duration: it must be zero or positive');
    expect(e.message).toContain('(supported: zero or a positive interval');
  });
});

describe('typed expressions after a join with a source of unknown columns', () => {
  it.each([
    ['steps/typed-after-batch-join.json', "col('qty').times(col('unit_price')).gte(1000)"],
    ['steps/lookup-postgres-refresh.json', "col('quantity').times(col('price')).gt(1000)"],
  ])('%s: printed with col(), no sql fallback, no warning', (file, piece) => {
    const { code, warnings } = generate(file, read(join(fixturesDir, file)));
    expect(code).toContain(piece);
    expect(code).toContain('.isIn(');
    expect(code).toContain('.isNotNull()');
    expect(code).not.toContain('sql`');
    expect(warnings.some((w) => w.message.includes('kept as sql'))).toBe(false);
  });

  it('when a condition has no typed form, the warning says why', () => {
    const text = JSON.stringify({
      name: 'p',
      mode: 'batch',
      steps: [
        {
          type: 'extract',
          method: 'fromPostgres',
          config: { table: 'a', credentialPath: 's/p', registerAs: 'a' },
        },
        {
          type: 'extract',
          method: 'fromPostgres',
          config: { table: 'b', credentialPath: 's/p', registerAs: 'b' },
        },
        {
          type: 'transform',
          method: 'joinDataFrames',
          config: { inputDataFrames: ['a', 'b'], leftKeys: ['id'] },
        },
        { type: 'transform', method: 'filterRows', config: { condition: 'n NOT BETWEEN 1 AND 5' } },
        { type: 'load', method: 'toDeltaLake', config: { path: '/x' } },
      ],
    });
    const { warnings } = generate('why.json', text);
    expect(warnings).toContainEqual(
      expect.objectContaining({
        message:
          "the condition `n NOT BETWEEN 1 AND 5` is kept as sql`...`: no typed builder call gives the same tree, even with col() and fn() (its column types are unknown: the postgres source 'a', the postgres source 'b' declare no schema)",
      }),
    );
  });
});

describe('messages say what was found, what was expected, and where', () => {
  it.each([
    [
      'etl/port-as-text.json',
      ['extract', 'connectionParams', 'port'],
      'expected a whole number, found the string "5432x"',
    ],
    [
      'etl/wrong-type.json',
      ['transforms', 0, 'parameters', 'aggregations'],
      'expected a string, found an array',
    ],
  ])('%s', (file, path, words) => {
    const e = refusal(file);
    expect(e.path).toEqual(path);
    expect(e.message).toContain(words);
    expect(e.message).not.toContain('is missing');
    expect(e.message).not.toMatch(/: Invalid input$/m);
  });

  it.each([
    [
      'steps/lookup-postgres-refresh.json',
      700,
      /^cut\.json: invalid JSON: unexpected end of file at line \d+, column \d+: the (object|string) opened at line \d+, column \d+ is never closed\n/,
    ],
    [
      '../refused/nodes/negative-watermark.yaml',
      75,
      /^cut\.yaml: invalid YAML: unexpected end of file at line \d+, column \d+: /,
    ],
  ])(
    'a copy of %s cut after %d characters (inside an object): unexpected end of file, and where',
    (file, length, want) => {
      const text = read(join(fixturesDir, file)).slice(0, length);
      const name = `cut${file.slice(file.lastIndexOf('.'))}`;
      let error: unknown;
      try {
        convertConfig(name, text);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConvertError);
      expect((error as ConvertError).message).toMatch(want);
    },
  );
});

describe('a stream of files watches a directory', () => {
  const steps = (path: string) =>
    JSON.stringify({
      name: 'p',
      mode: 'streaming',
      steps: [
        { type: 'extract', method: 'fromS3', config: { path } },
        { type: 'load', method: 'toDeltaLake', config: { path: '/out' } },
      ],
    });
  const sourceOf = (c: ReturnType<typeof convertConfig>) => nodesOf(c.plan, 'source')[0]!.source;

  it('a glob of one directory by extension becomes the directory, with a comment', () => {
    const c = convertConfig('s.json', steps('s3a://landing/in/*.json'));
    expect(sourceOf(c)).toMatchObject({ type: 'file', path: 's3a://landing/in/', watch: true });
    expect(c.warnings).toEqual([]);
  });

  it('any other glob is kept, with a warning at the path', () => {
    const c = convertConfig('s.json', steps('s3a://landing/dt=*/part-*.json'));
    expect(sourceOf(c)).toMatchObject({ path: 's3a://landing/dt=*/part-*.json' });
    expect(c.warnings).toContainEqual(
      expect.objectContaining({
        path: ['steps', 0, 'config', 'path'],
        message: expect.stringContaining('a pipekit file stream watches one directory'),
      }),
    );
  });
});
