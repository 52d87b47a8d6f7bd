/**
 * Customer profile changes from Kafka, upserted into Postgres by customer id: the table always
 * holds the latest profile of each customer. Each micro-batch and its batch id are written in one
 * transaction (table pipekit_commits), so a replayed batch after a crash is not written twice.
 *
 *   PIPEKIT_PG_PASSWORD=pipekit pipe run examples/kafka-to-postgres.pipeline.ts
 */
import { every, secret, source } from '@pipekit/core';
import { z } from 'zod';

const ProfileChange = z.object({
  customerId: z.string(),
  email: z.string(),
  tier: z.enum(['free', 'pro', 'enterprise']),
  lifetimeValue: z.number(),
  updatedAt: z.coerce.date(),
});

export default source
  .kafka({
    brokers: [process.env.KAFKA_BROKERS ?? '127.0.0.1:9092'],
    topic: process.env.PIPEKIT_PROFILES_TOPIC ?? 'customer-profiles',
    startingOffsets: 'earliest',
    schema: ProfileChange,
  })
  .filter((r) => r.email.isNotNull())
  .sink.postgres({
    connection: {
      url: process.env.PIPEKIT_PG_URL ?? 'postgres://pipekit@127.0.0.1:54329/pipekit_test',
      password: secret('PIPEKIT_PG_PASSWORD'),
    },
    table: process.env.PIPEKIT_PROFILES_TABLE ?? 'customer_profiles',
    mode: 'upsert',
    key: ['customerId'],
    createTable: true,
    trigger: every('2 seconds'),
    checkpoint: process.env.PIPEKIT_CHECKPOINT ?? './checkpoints/customer-profiles',
    queryName: 'customer-profiles',
  });
