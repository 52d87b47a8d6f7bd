/**
 * A nightly batch: orders from Postgres, totals per country and status, overwritten in Delta.
 * A bounded source makes this a batch job: it reads everything once and stops.
 */
import { avg, count, countDistinct, secret, source, sum } from '@pipekit/core';

export default source
  .postgres({
    connection: {
      url: process.env.PIPEKIT_PG_URL ?? 'postgres://pipekit@127.0.0.1:54329/pipekit_test',
      password: secret('PIPEKIT_PG_PASSWORD'),
    },
    table: process.env.PIPEKIT_ORDERS_TABLE ?? 'orders',
    schema:
      'order_id BIGINT NOT NULL, customer_id STRING NOT NULL, country STRING, status STRING NOT NULL, amount DECIMAL(12,2) NOT NULL, created_at TIMESTAMP NOT NULL',
    partitionColumn: 'order_id',
    numPartitions: 4,
  })
  .filter((r) => r.status.isIn('paid', 'shipped'))
  .groupBy('country', 'status')
  .aggregate({
    orders: count(),
    customers: countDistinct('customer_id'),
    revenue: sum('amount'),
    averageOrder: avg('amount'),
  })
  .sink.delta({
    path: process.env.PIPEKIT_ORDER_TOTALS ?? './data/order-totals',
    mode: 'overwrite',
    queryName: 'order-totals',
  });
