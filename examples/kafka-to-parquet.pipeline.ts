/**
 * The Parquet variant of kafka-to-delta (until the Delta connector lands): purchases from Kafka,
 * revenue per user in 10-minute event-time windows, written as Parquet part files.
 *
 * It reads the topic as a bounded batch (`endingOffsets: 'latest'`: what is there when it starts),
 * so every window is complete when it is written; run it on a schedule, or drop `endingOffsets`
 * to stream it. Bad records (invalid JSON, wrong types) go to a Kafka dead-letter topic with the
 * original bytes and the reason in headers.
 *
 *   KAFKA_BROKERS=127.0.0.1:9092 pipe run examples/kafka-to-parquet.pipeline.ts
 */
import { count, deadLetter, sinks, source, sum, tumbling } from '@pipekit/core';
import { z } from 'zod';

const Purchase = z.object({
  userId: z.string(),
  eventType: z.enum(['view', 'purchase']),
  amount: z.number(),
  eventTime: z.coerce.date(),
});

const brokers = [process.env.KAFKA_BROKERS ?? '127.0.0.1:9092'];
const topic = process.env.KAFKA_TOPIC ?? 'user-events';

export default source
  .kafka({
    brokers,
    topic,
    startingOffsets: 'earliest',
    endingOffsets: 'latest',
    maxOffsetsPerTrigger: 50_000,
    schema: Purchase,
    badRecords: deadLetter(sinks.kafka({ brokers, topic: `${topic}.dlq` })),
  })
  .filter((r) => r.eventType.eq('purchase').and(r.amount.gt(0)))
  .watermark('eventTime', '15 minutes')
  .window(tumbling('10 minutes'))
  .groupBy('userId')
  .aggregate({ purchases: count(), revenue: sum('amount') })
  .sink.file({
    path: process.env.OUTPUT_DIR ?? './data/revenue-parquet',
    format: 'parquet',
    outputMode: 'append',
    queryName: 'revenue-per-user-parquet',
  });
