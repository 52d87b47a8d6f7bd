// The example of docs/guide/testing.md, run as a test: keep the two in step.
import { count, source, sum, tumbling } from '@pipekit/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { rowsOf, testPipeline } from '../src/index.js';

// The pipeline under test: revenue per user in 10-second windows, emitted once the watermark
// (latest event time - 5 seconds) closes them.
const Purchase = z.object({ user: z.string(), amount: z.number(), ts: z.coerce.date() });
const revenue = source
  .kafka({ brokers: ['kafka:9092'], topic: 'purchases', schema: Purchase })
  .as('purchases')
  .watermark('ts', '5 seconds')
  .window(tumbling('10 seconds'))
  .groupBy('user')
  .aggregate({ orders: count(), revenue: sum('amount') })
  .sink.memory({ name: 'revenue', outputMode: 'append' });

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));

describe('revenue per user (guide example)', () => {
  it('emits a window once the watermark passes its end; drops late rows', async () => {
    const result = await testPipeline(revenue, {
      inputs: {
        purchases: [
          // micro-batch 0 runs with the watermark at 0 (no event seen yet)
          [
            { user: 'ann', amount: 10, ts: at(1) },
            { user: 'bob', amount: 5, ts: at(3) },
          ],
          // micro-batch 1 runs with 00:00:03 - 5 s = 23:59:58 the day before; after it, the
          // watermark is 00:00:12 - 5 s = 00:00:07
          [{ user: 'ann', amount: 20, ts: at(12) }],
          // micro-batch 2 runs with 00:00:07; after it, 00:00:16 - 5 s = 00:00:11
          [{ user: 'bob', amount: 7, ts: at(16) }],
          // micro-batch 3 runs with 00:00:11, which closes [00:00:00, 00:00:10): emitted. This
          // row is still counted in it: as in Spark, a row is late only behind the watermark
          // the previous batch ran with (00:00:07)
          [{ user: 'ann', amount: 99, ts: at(2) }],
          // micro-batch 4: behind 00:00:11, late: dropped
          [{ user: 'ann', amount: 50, ts: at(4) }],
        ],
      },
    });
    expect(result.batches.map((b) => b.watermark)).toEqual([
      0,
      at(-2).getTime(),
      at(7).getTime(),
      at(11).getTime(),
      at(11).getTime(),
    ]);
    expect(result.batches.map((b) => b.sinks.revenue)).toEqual([
      [],
      [],
      [],
      [
        { window_start: at(0), window_end: at(10), user: 'ann', orders: 2, revenue: 109 },
        { window_start: at(0), window_end: at(10), user: 'bob', orders: 1, revenue: 5 },
      ],
      [],
    ]);
    expect(rowsOf(result, 'revenue')).toHaveLength(2);
  });
});
