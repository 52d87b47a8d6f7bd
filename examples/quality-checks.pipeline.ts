/**
 * Data-quality rules on a CSV drop of orders before they reach a Delta table: rows without a
 * customer are dropped, rows with an unknown currency go to a dead-letter file with the rule that
 * caught them, amounts outside the plausible range only warn, and a repeated order id stops the
 * job (the export is broken and must not be half-loaded).
 *
 *   pipe run examples/quality-checks.pipeline.ts
 *
 * It reads ./data/orders/*.csv once; the table, the dead letters and the checkpoint go under ./data
 * and ./checkpoints (WORK_DIR=/tmp/x moves them all). See docs/guide/quality.md.
 */
import { between, deadLetter, inSet, notNull, sinks, source, unique } from '@pipekit/core';
import { z } from 'zod';

const Order = z.object({
  orderId: z.int(),
  customer: z.string().nullable(),
  currency: z.string(),
  amount: z.number(),
  // Never printed in logs or failure messages.
  cardNumber: z.string().meta({ secret: true }),
});

const dir = process.env.WORK_DIR ?? '.';

export default source
  .file({ path: `${dir}/data/orders`, format: 'csv', schema: Order })
  .expect(
    notNull('customer', { onFailure: 'drop' }),
    inSet('currency', ['EUR', 'USD', 'GBP'], {
      onFailure: deadLetter(sinks.file({ path: `${dir}/data/orders-rejected`, format: 'jsonl' })),
    }),
    between('amount', 0, 100_000),
    unique('orderId', { onFailure: 'fail' }),
  )
  .drop('cardNumber')
  .sink.delta({ path: `${dir}/data/orders-clean`, checkpoint: `${dir}/checkpoints/orders-clean` });
