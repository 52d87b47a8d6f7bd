import { count, gen, PipekitError, source, sum } from '@pipekit/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { rowsOf, sortedBy, testPipeline } from '../src/index.js';

const Click = z.object({ user: z.string(), amount: z.number(), ts: z.coerce.date() });
const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
const start = Date.UTC(2026, 0, 1);

describe('testPipeline', () => {
  it('feeds input batch i in micro-batch i and returns each sink per batch, on virtual time', async () => {
    const p = source
      .kafka({ brokers: ['never:9092'], topic: 'clicks', schema: Click })
      .as('clicks')
      .filter((r) => r.amount.gt(1))
      .sink.memory({ name: 'big' });
    const r = await testPipeline(p, {
      inputs: {
        clicks: [
          [
            { user: 'a', amount: 5, ts: '2026-01-01T00:00:01Z' },
            { user: 'b', amount: 1, ts: '2026-01-01T00:00:02Z' },
          ],
          [],
          [{ user: 'c', amount: 9, ts: '2026-01-01T00:00:03Z' }],
        ],
      },
      batchInterval: 5_000,
    });
    expect(r.batches.map((b) => [b.batchId, b.time - start, b.sinks.big!.length])).toEqual([
      [0, 0, 1],
      [1, 5_000, 0],
      [2, 10_000, 1],
    ]);
    expect(r.batches[0]!.sinks.big).toEqual([{ user: 'a', amount: 5, ts: at(1) }]);
    expect(rowsOf(r, 'big').map((x) => x.user)).toEqual(['a', 'c']);
    expect(rowsOf(r, 'big', 2)).toEqual([{ user: 'c', amount: 9, ts: at(3) }]);
    expect(r.batches.every((b) => b.watermark === null)).toBe(true);
  });

  it('an unbounded aggregation in complete mode: every batch the whole result; the end the last one', async () => {
    const p = source
      .kafka({ brokers: ['never:9092'], topic: 'clicks', schema: Click })
      .groupBy('user')
      .aggregate({ clicks: count(), total: sum('amount') })
      .sink.memory({ name: 'totals', outputMode: 'complete' });
    const r = await testPipeline(p, {
      inputs: {
        kafka_1: [
          [{ user: 'a', amount: 1, ts: at(1) }],
          [
            { user: 'a', amount: 2, ts: at(2) },
            { user: 'b', amount: 3, ts: at(3) },
          ],
        ],
      },
    });
    expect(r.batches.map((b) => sortedBy(b.sinks.totals!, 'user'))).toEqual([
      [{ user: 'a', clicks: 1, total: 1 }],
      [
        { user: 'a', clicks: 2, total: 3 },
        { user: 'b', clicks: 1, total: 3 },
      ],
    ]);
    expect(sortedBy(rowsOf(r, 'totals'), 'user')).toEqual(r.batches[1]!.sinks.totals);
  });

  it('reports the watermark each batch ran with (from the batches before, as Spark)', async () => {
    const p = source
      .kafka({ brokers: ['never:9092'], topic: 'clicks', schema: Click })
      .watermark('ts', '10 seconds')
      .sink.memory({ name: 'out' });
    const r = await testPipeline(p, {
      inputs: {
        kafka_1: [[{ user: 'a', amount: 1, ts: at(30) }], [{ user: 'a', amount: 1, ts: at(50) }]],
      },
    });
    expect(r.batches.map((b) => b.watermark)).toEqual([0, start + 20_000]);
  });

  it('sources without input run as they are, on the virtual clock', async () => {
    const p = source
      .generate({ seed: 3, rowsPerSecond: 10, columns: { n: gen.sequence() } })
      .sink.file({ path: '/nonexistent/never-written', format: 'jsonl' });
    const r = await testPipeline(p, { batches: 3, batchInterval: 2_000 });
    // Nothing exists at t=0; then 20 rows per 2 s. The file sink is captured, not written.
    expect(r.batches.map((b) => b.sinks.sink_1!.length)).toEqual([20, 20, 20]);
    expect(rowsOf(r, 'sink_1').map((x) => x.n)).toEqual(Array.from({ length: 60 }, (_, i) => i));
  });

  it('names what is wrong: an input for no source, a source without input, an unknown sink', async () => {
    const p = source
      .kafka({ brokers: ['never:9092'], topic: 'clicks', schema: Click })
      .sink.memory({ name: 'out' });
    const wrong = await testPipeline(p, { inputs: { clicks: [[]] } }).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(PipekitError);
    expect((wrong as PipekitError).issues[0]).toMatchObject({ path: ['inputs', 'clicks'] });
    expect((wrong as Error).message).toContain('kafka_1');
    const missing = await testPipeline(p).catch((e: unknown) => e);
    expect((missing as Error).message).toMatch(
      /kafka_1 is a kafka source: give its rows in inputs/,
    );
    const r = await testPipeline(p, { inputs: { kafka_1: [[]] } });
    expect(() => rowsOf(r, 'nope')).toThrow(/the sinks are out/);
  });
});
