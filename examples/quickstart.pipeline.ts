/**
 * Quick start: 1M generated click events, purchases kept, totals per user written to a Delta table.
 *
 *   npm run quickstart            (or: npx pipe run examples/quickstart.pipeline.ts)
 *
 * The source is bounded (limit), so this is a batch job: it reads everything in micro-batches,
 * emits one row per user when the input ends, and `pipe run` prints a summary. `overwrite` makes
 * each run replace the table's rows in a new table version (`npx pipe delta history <path>`).
 */
import { avg, count, gen, max, source, sum } from '@pipekit/core';

export default source
  .generate({
    seed: 42,
    limit: 1_000_000,
    batchSize: 50_000,
    columns: {
      eventId: gen.sequence(),
      userId: gen.key('user-', 10_000),
      eventType: gen.choice(['view', 'click', 'purchase'], [0.6, 0.3, 0.1]),
      amount: gen.uniform(1, 500),
      ts: gen.eventTime({ outOfOrderShare: 0.05, maxDelay: '30 seconds' }),
    },
    name: 'clicks',
  })
  .filter((r) => r.eventType.eq('purchase'))
  .groupBy('userId')
  .aggregate({
    purchases: count(),
    revenue: sum('amount'),
    averageOrder: avg('amount'),
    lastPurchase: max('ts'),
  })
  .sink.delta({
    path: './data/quickstart/revenue-per-user',
    mode: 'overwrite',
    queryName: 'revenue-per-user',
  });
