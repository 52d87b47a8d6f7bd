import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { availableNow, count, source, sum } from '@pipekit/core';
import { defaultConnectors, runPipeline } from '@pipekit/runtime';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { registerConnectors } from '../src/index.js';
import { brokers, createTopic, logger, produce, uniqueTopic } from './helpers.js';

const Sale = z.object({ shop: z.string(), amount: z.number() });
const dir = mkdtempSync(join(tmpdir(), 'pipekit-kafka-avail-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sales = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    partition: i % 2,
    value: JSON.stringify({ shop: `s${(from + i) % 3}`, amount: from + i }),
  }));

describe('trigger availableNow on a Kafka source with a checkpoint', () => {
  it('each run reads what arrived since the last one; the running totals carry on', async () => {
    const topic = uniqueTopic('avail-run');
    await createTopic(topic, 2);
    const pipeline = source
      .kafka({
        brokers,
        topic,
        startingOffsets: 'earliest',
        schema: Sale,
        maxOffsetsPerTrigger: 15,
      })
      .groupBy('shop')
      .aggregate({ sales: count(), revenue: sum('amount') })
      .sink.memory({
        name: 'totals',
        trigger: availableNow(),
        outputMode: 'complete',
        checkpoint: join(dir, 'checkpoint'),
      });
    const run = async () => {
      const connectors = defaultConnectors();
      registerConnectors(connectors);
      const r = runPipeline(pipeline, { connectors, logger });
      const result = await r.result;
      const read = result.nodes.find((n) => n.kind === 'source')?.rowsOut ?? -1;
      const totals = Object.fromEntries(
        r.memory.get('totals').map((row) => [row.shop, [row.sales, row.revenue]]),
      );
      return { stoppedBy: result.stoppedBy, read, totals };
    };

    await produce(topic, sales(0, 40));
    const first = await run();
    expect(first.stoppedBy).toBe('completed');
    expect(first.read).toBe(40);

    await produce(topic, sales(40, 20));
    const second = await run();
    expect(second.read).toBe(20);
    // Totals over all 60 sales: the state came back from the checkpoint and grew.
    const expected: Record<string, [number, number]> = {};
    for (let i = 0; i < 60; i++) {
      const [n, sum] = expected[`s${i % 3}`] ?? [0, 0];
      expected[`s${i % 3}`] = [n + 1, sum + i];
    }
    expect(second.totals).toEqual(expected);

    const third = await run();
    expect(third.read).toBe(0);
  }, 60_000);
});
