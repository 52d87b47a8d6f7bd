import { between, deadLetter, notNull, pipeline, sinks, source } from '@pipekit/core';
import {
  createLogger,
  defaultConnectors,
  loadConnectorPackages,
  runPipeline,
} from '@pipekit/runtime';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DeltaTable, registerConnectors } from '../src/index.js';
import { tablePath } from './helpers.js';

const logger = createLogger({ level: 'silent' });

function connectors() {
  const registry = defaultConnectors();
  registerConnectors(registry);
  return registry;
}

const Reading = z.object({ id: z.int(), sensor: z.string().nullable(), celsius: z.number() });
type Reading = z.infer<typeof Reading>;

/** 500 readings; from row 40 on every 9th has no sensor and every 11th is out of range. */
const readings: Reading[] = Array.from({ length: 500 }, (_x, id) => ({
  id,
  sensor: id >= 40 && id % 9 === 0 ? null : `s${id % 5}`,
  celsius: id >= 40 && id % 11 === 0 ? 1_000 + id : (id % 60) - 10,
}));
// The independent count: plain JavaScript over the input, not the runtime's counters.
const valid = (r: Reading) => r.sensor !== null && r.celsius >= -50 && r.celsius <= 60;
const noSensor = readings.filter((r) => r.sensor === null).length;
const outOfRange = readings.filter((r) => r.celsius < -50 || r.celsius > 60).length;

const ids = (rows: readonly Record<string, unknown>[]) =>
  rows.map((r) => Number(r.id)).sort((a, b) => a - b);

function checked(onFailure: 'warn' | 'drop' | 'fail' | ReturnType<typeof deadLetter>) {
  return source
    .memory({ schema: Reading, rows: readings, batchSize: 40 })
    .expect(notNull('sensor', { onFailure }), between('celsius', -50, 60, { onFailure }));
}

describe('expectations into Delta', () => {
  it('warn: every row is in the table, failures counted per rule', async () => {
    const path = tablePath('warn');
    const r = await runPipeline(checked('warn').sink.delta({ path }), {
      connectors: connectors(),
      logger,
    }).result;
    expect(ids(await (await DeltaTable.open(path)).read())).toEqual(ids(readings));
    expect(r.expectations.map((e) => e.totalFailed)).toEqual([noSensor, outOfRange]);
  });

  it('drop: the table holds exactly the valid rows', async () => {
    const path = tablePath('drop');
    const r = await runPipeline(checked('drop').sink.delta({ path }), {
      connectors: connectors(),
      logger,
    }).result;
    const rows = await (await DeltaTable.open(path)).read();
    expect(ids(rows)).toEqual(ids(readings.filter(valid)));
    expect(r.expectations.map((e) => e.totalFailed)).toEqual([noSensor, outOfRange]);
    expect(r.expectations.map((e) => e.totalPassed)).toEqual([500 - noSensor, 500 - outOfRange]);
  });

  it('deadLetter: valid rows in one table, each failure once per rule in the other, also after a rerun', async () => {
    const path = tablePath('rows');
    const dlq = tablePath('dlq');
    const checkpoint = tablePath('ckpt');
    const p = checked(deadLetter(sinks.delta({ path: dlq }))).sink.delta({ path, checkpoint });
    await runPipeline(p, { connectors: connectors(), logger }).result;
    // The same query again: its checkpoint says everything is done; nothing is written twice.
    await runPipeline(p, { connectors: connectors(), logger }).result;
    expect(ids(await (await DeltaTable.open(path)).read())).toEqual(ids(readings.filter(valid)));
    const letters = await (await DeltaTable.open(dlq)).read();
    expect(letters).toHaveLength(noSensor + outOfRange);
    expect(letters.filter((l) => l.rule === 'notNull(sensor)')).toHaveLength(noSensor);
    expect(letters.filter((l) => l.rule === 'between(celsius, -50, 60)')).toHaveLength(outOfRange);
    const first = letters.find((l) => l.rule === 'notNull(sensor)')!;
    expect(JSON.parse(String(first.record))).toMatchObject({ sensor: null });
    expect(first).toMatchObject({ node: 'expect_1' });
    expect(Number(first.batchId)).toBe(Math.floor(JSON.parse(String(first.record)).id / 40));
  });

  it('fail: the query stops at the first failing batch; earlier batches are in the table', async () => {
    const path = tablePath('fail');
    const err = await runPipeline(checked('fail').sink.delta({ path }), {
      connectors: connectors(),
      logger,
    }).result.catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(
      /batch 1: expectation 'notNull\(sensor\)' failed on \d+ of 40 rows/,
    );
    expect(ids(await (await DeltaTable.open(path)).read())).toEqual(ids(readings.slice(0, 40)));
  });

  it('a pipeline-level late dead-letter to Delta runs (the connector is found)', async () => {
    const late = tablePath('late-dlq');
    // Delta only as the dead-letter sink of the pipeline's late policy.
    const p = pipeline(
      'late',
      [source.memory({ schema: Reading, rows: readings }).sink.memory({ name: 'out' })],
      {
        late: deadLetter(sinks.delta({ path: late })),
      },
    );
    // As `pipe run` does: the registry has the built-ins, the plan's packages are imported.
    const registry = defaultConnectors();
    await loadConnectorPackages(p.plan, registry);
    expect(registry.hasSink('delta')).toBe(true);
    const r = await runPipeline(p, { connectors: registry, logger }).result;
    expect(r.stoppedBy).toBe('completed');
  });
});
