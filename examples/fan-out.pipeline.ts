/**
 * One source, two sinks: every generated order goes to Parquet files, and large ones are also
 * shown on the console. The shared steps run once per batch.
 *
 *   pipe run examples/fan-out.pipeline.ts
 *
 * The files go under ./data/orders (WORK_DIR=/tmp/x moves them).
 */
import { gen, pipeline, source } from '@pipekit/core';

const dir = process.env.WORK_DIR ?? '.';

const orders = source
  .generate({
    seed: 7,
    limit: 100_000,
    rowsPerSecond: 50_000,
    columns: {
      orderId: gen.sequence(),
      customer: gen.key('customer-', 5_000),
      amount: gen.uniform(1, 2_000),
      channel: gen.choice(['web', 'app', 'store'], [0.5, 0.4, 0.1]),
      ts: gen.eventTime({ outOfOrderShare: 0.05, maxDelay: '30 seconds' }),
    },
  })
  .filter((r) => r.amount.gt(0))
  .as('orders');

export default pipeline('orders-fan-out', [
  orders.sink.file({ path: `${dir}/data/orders`, format: 'parquet', partitionBy: ['channel'] }),
  orders.filter((r) => r.amount.gte(1_500)).sink.console({ numRows: 10 }),
]);
