/**
 * A Spark-engine query stopped and started again resumes from its checkpoint: Kafka → Delta, with
 * records produced while it is down, gives every record exactly once in the table (Spark's Delta
 * sink commits each batch once, by query id and batch id).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { every, source } from '@pipekit/core';
import { DeltaTable } from '@pipekit/delta';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTopic, produce, uniqueTopic } from '../../kafka/test/helpers.ts';
import { runOnSpark } from '../src/index.js';
import { remote } from './remote.js';

const dir = mkdtempSync(join(tmpdir(), 'pipekit-spark-restart-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const Reading = z.object({ id: z.int(), sensor: z.string(), value: z.number() });
const records = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => {
    const id = from + i;
    return {
      key: `s${id % 5}`,
      value: JSON.stringify({ id, sensor: `s${id % 5}`, value: id / 4 }),
    };
  });

async function tableIds(path: string): Promise<number[]> {
  try {
    return (await (await DeltaTable.open(path)).read())
      .map((r) => Number(r.id))
      .sort((a, b) => a - b);
  } catch {
    return [];
  }
}

/** Runs the query until the table holds `want` rows (bounded), then stops it as SIGTERM would. */
async function runUntil(plan: Parameters<typeof runOnSpark>[0], path: string, want: number) {
  const run = runOnSpark(plan, { remote, pollMs: 500 });
  const deadline = Date.now() + 120_000;
  for (let i = 0; i < 240 && Date.now() < deadline; i++) {
    if ((await tableIds(path)).length >= want) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  run.stop();
  return run.result;
}

describe('a Spark-engine query stopped and restarted', () => {
  it('resumes from its checkpoint: every record once in the Delta table', async () => {
    const topic = uniqueTopic('spark-restart');
    await createTopic(topic, 2);
    const table = join(dir, 'readings');
    const plan = source
      .kafka({
        brokers: [process.env.KAFKA_BROKERS ?? '127.0.0.1:9092'],
        topic,
        startingOffsets: 'earliest',
        maxOffsetsPerTrigger: 150,
        schema: Reading,
      })
      .filter((r) => r.value.gte(0))
      .sink.delta({
        path: table,
        trigger: every('1 second'),
        checkpoint: join(dir, 'checkpoint'),
        queryName: 'readings',
      }).plan;

    await produce(topic, records(0, 500));
    const first = await runUntil(plan, table, 300);
    expect(first.stoppedBy).toBe('stopped');
    const afterFirst = await tableIds(table);
    expect(afterFirst.length).toBeGreaterThanOrEqual(300);

    await produce(topic, records(500, 500)); // while the query is down
    const second = await runUntil(plan, table, 1_000);
    expect(second.queries[0]!.sparkId).toBe(first.queries[0]!.sparkId); // the same query, resumed

    const ids = await tableIds(table);
    expect(ids).toEqual(Array.from({ length: 1_000 }, (_, i) => i));
  });
});
