import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Pipeline, source } from '@pipekit/core';
import { defaultConnectors, runPipeline } from '@pipekit/runtime';
import { afterAll, describe, expect, it } from 'vitest';
import { registerConnectors } from '../src/index.js';
import { createTopic, logger, produce, readTopic, uniqueTopic } from './helpers.js';

const out = mkdtempSync(join(tmpdir(), 'pipekit-kafka-parquet-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('examples/kafka-to-parquet.pipeline.ts against the real broker', () => {
  it('writes revenue per user and 10-minute window as Parquet; bad records to the DLQ topic', async () => {
    const topic = uniqueTopic('user-events');
    await createTopic(topic, 3);
    await createTopic(`${topic}.dlq`, 1);
    const t0 = Date.UTC(2026, 10, 1, 12, 0, 0);
    const users = ['ann', 'bob', 'cyd', 'dee'];
    const events = Array.from({ length: 2_000 }, (_, i) => ({
      userId: users[i % 4]!,
      eventType: i % 3 === 0 ? 'view' : 'purchase',
      amount: (i % 50) + 1,
      eventTime: new Date(t0 + i * 1_000).toISOString(),
    }));
    await produce(topic, [
      ...events.map((e) => ({ key: e.userId, value: JSON.stringify(e) })),
      { key: 'ann', value: '{"userId":"ann","eventType":"purchase","amount":"lots"' },
      {
        key: 'bob',
        value: JSON.stringify({
          userId: 'bob',
          eventType: 'purchase',
          amount: 'lots',
          eventTime: new Date(t0).toISOString(),
        }),
      },
    ]);

    process.env.KAFKA_TOPIC = topic;
    process.env.OUTPUT_DIR = out;
    const file = new URL('../../../examples/kafka-to-parquet.pipeline.ts', import.meta.url).href;
    const example = ((await import(file)) as { default: Pipeline }).default;
    const connectors = defaultConnectors();
    registerConnectors(connectors);
    const result = await runPipeline(example, { connectors, logger }).result;
    expect(result.stoppedBy).toBe('completed');
    expect(result.badRecords).toBe(2);

    // Read the Parquet files back with the runtime's file source.
    const back = runPipeline(
      source.file({ path: out, format: 'parquet' }).sink.memory({ name: 'back' }),
      { logger },
    );
    await back.result;
    const rows = back.memory.get('back');
    const expected = new Map<string, { purchases: number; revenue: number }>();
    for (const e of events) {
      if (e.eventType !== 'purchase') continue;
      const start = Math.floor(Date.parse(e.eventTime) / 600_000) * 600_000;
      const k = `${e.userId}@${new Date(start).toISOString()}`;
      const a = expected.get(k) ?? { purchases: 0, revenue: 0 };
      a.purchases++;
      a.revenue += e.amount;
      expected.set(k, a);
    }
    const got = new Map(
      rows.map((r) => [
        `${String(r.userId)}@${new Date(r.window_start as Date | string | number).toISOString()}`,
        { purchases: Number(r.purchases), revenue: Number(r.revenue) },
      ]),
    );
    expect(got).toEqual(expected);

    const dead = [...(await readTopic(`${topic}.dlq`, 2)).values()].flat();
    const values = dead.map((m) => String(m.value));
    expect(values).toHaveLength(2);
    expect(values).toContain('{"userId":"ann","eventType":"purchase","amount":"lots"');
    expect(values.some((v) => v.includes('"amount":"lots","eventTime"'))).toBe(true);
  });
});
