/**
 * The quickstart (examples/quickstart.pipeline.ts) slowed by a rate limit for the UI test: the
 * same generated clicks at 4,000 rows/s with event time starting now, a watermark and a one-minute
 * tumbling window per user (state that grows and a watermark that moves), a Delta sink every
 * 500 ms with a checkpoint. Writes under WORK_DIR.
 */
import { count, every, gen, max, source, sum, tumbling } from '@pipekit/core';

const dir = process.env.WORK_DIR ?? '.';

export default source
  .generate({
    seed: 42,
    rowsPerSecond: 4_000,
    batchSize: 50_000,
    columns: {
      eventId: gen.sequence(),
      userId: gen.key('user-', 10_000),
      eventType: gen.choice(['view', 'click', 'purchase'], [0.6, 0.3, 0.1]),
      amount: gen.uniform(1, 500),
      ts: gen.eventTime({
        start: new Date().toISOString(),
        outOfOrderShare: 0.05,
        maxDelay: '30 seconds',
      }),
    },
    name: 'clicks',
  })
  .filter((r) => r.eventType.eq('purchase'))
  .watermark('ts', '10 seconds')
  .window(tumbling('1 minute'))
  .groupBy('userId')
  .aggregate({ purchases: count(), revenue: sum('amount'), lastPurchase: max('ts') })
  .sink.delta({
    path: `${dir}/data/revenue-per-user`,
    trigger: every('500 milliseconds'),
    outputMode: 'append',
    checkpoint: `${dir}/checkpoints/revenue-per-user`,
    queryName: 'revenue-per-user',
  });
