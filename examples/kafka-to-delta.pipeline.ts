/**
 * Purchases from Kafka, revenue per user in 10-minute event-time windows, written to Delta.
 * Windows are emitted once (append) when the watermark passes their end.
 *
 *   KAFKA_TOPIC=user-events pipe run examples/kafka-to-delta.pipeline.ts
 *
 * The table and the checkpoint go under ./data and ./checkpoints (WORK_DIR=/tmp/x moves them).
 */
import { count, every, secret, source, sum, tumbling } from '@pipekit/core';
import { z } from 'zod';

const Purchase = z.object({
  userId: z.string(),
  eventType: z.enum(['view', 'purchase']),
  amount: z.number(),
  eventTime: z.coerce.date(),
});

const dir = process.env.WORK_DIR ?? '.';

export default source
  .kafka({
    brokers: [process.env.KAFKA_BROKERS ?? '127.0.0.1:9092'],
    topic: process.env.KAFKA_TOPIC ?? 'user-events',
    startingOffsets: 'earliest',
    schema: Purchase,
    sasl: process.env.KAFKA_USER
      ? {
          mechanism: 'scram-sha-512',
          username: process.env.KAFKA_USER,
          password: secret('KAFKA_PASSWORD'),
        }
      : undefined,
  })
  .filter((r) => r.eventType.eq('purchase').and(r.amount.gt(0)))
  .watermark('eventTime', '15 minutes')
  .window(tumbling('10 minutes'))
  .groupBy('userId')
  .aggregate({ purchases: count(), revenue: sum('amount') })
  .sink.delta({
    path: `${dir}/data/revenue`,
    partitionBy: ['userId'],
    trigger: every('5 seconds'),
    outputMode: 'append',
    checkpoint: `${dir}/checkpoints/revenue`,
    queryName: 'revenue-per-user',
  });
