/**
 * A batch job on Postgres: paid and shipped orders, totals per country, written as Parquet.
 * The table is read once through server-side cursors, two ranges of order_id in parallel; the
 * source is bounded, so the pipeline stops when the table is read.
 *
 *   PIPEKIT_PG_PASSWORD=pipekit pipe run examples/postgres-to-parquet.pipeline.ts
 */
import { avg, count, countDistinct, secret, source, sum } from '@pipekit/core';
import { z } from 'zod';

const Order = z.object({
  order_id: z.int(),
  customer_id: z.string(),
  country: z.string().nullable(),
  status: z.string(),
  // numeric(12,2) in Postgres: declared a number here, so the source parses the exact text.
  amount: z.number(),
  created_at: z.coerce.date(),
});

export default source
  .postgres({
    connection: {
      url: process.env.PIPEKIT_PG_URL ?? 'postgres://pipekit@127.0.0.1:54329/pipekit_test',
      password: secret('PIPEKIT_PG_PASSWORD'),
    },
    table: process.env.PIPEKIT_ORDERS_TABLE ?? 'orders',
    schema: Order,
    partitionColumn: 'order_id',
    numPartitions: 2,
  })
  .filter((r) => r.status.isIn('paid', 'shipped'))
  .groupBy('country')
  .aggregate({
    orders: count(),
    customers: countDistinct('customer_id'),
    revenue: sum('amount'),
    averageOrder: avg('amount'),
  })
  .sink.file({ path: process.env.PIPEKIT_OUT ?? './data/order-totals', format: 'parquet' });
