/**
 * Stream–static enrichment: each click is joined with its user's profile, a Postgres table
 * reloaded every 10 minutes, and clicks of unknown users keep null profile columns.
 */
import { secret, source } from '@pipekit/core';
import { z } from 'zod';

const Click = z.object({ userId: z.string(), page: z.string(), ts: z.coerce.date() });

const users = source.postgres({
  connection: {
    host: '127.0.0.1',
    port: 54329,
    database: 'pipekit_test',
    user: 'pipekit',
    password: secret('PIPEKIT_PG_PASSWORD'),
  },
  table: 'users',
  schema: z.object({ userId: z.string(), country: z.string(), tier: z.enum(['free', 'pro']) }),
});

export default source
  .kafka({ brokers: ['127.0.0.1:9092'], topic: 'clicks', schema: Click, name: 'clicks' })
  .join(users, { on: 'userId', type: 'left', lookup: { refresh: '10 minutes' } })
  .withColumn('isPro', (r) => r.tier.eq('pro'))
  .select('userId', 'page', 'ts', 'country', 'isPro')
  .sink.kafka({
    brokers: ['127.0.0.1:9092'],
    topic: 'clicks-enriched',
    key: 'userId',
    checkpoint: './checkpoints/clicks-enriched',
  });
