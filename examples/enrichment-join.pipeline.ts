/**
 * Stream–static enrichment: each click is joined with its user's profile, a Postgres table
 * reloaded every 10 minutes, and clicks of unknown users keep null profile columns.
 *
 *   PIPEKIT_PG_PASSWORD=pipekit KAFKA_TOPIC=clicks pipe run examples/enrichment-join.pipeline.ts
 *
 * Clicks from now on (the source starts at the latest offsets) go to `<topic>-enriched`; the
 * checkpoint goes under ./checkpoints (WORK_DIR=/tmp/x moves it).
 */
import { secret, source } from '@pipekit/core';
import { z } from 'zod';

const Click = z.object({ userId: z.string(), page: z.string(), ts: z.coerce.date() });

const brokers = [process.env.KAFKA_BROKERS ?? '127.0.0.1:9092'];
const topic = process.env.KAFKA_TOPIC ?? 'clicks';
const dir = process.env.WORK_DIR ?? '.';

const users = source.postgres({
  connection: {
    // libpq's variables, defaulting to the project's test server (test/services/postgres.sh).
    host: process.env.PGHOST ?? '127.0.0.1',
    port: Number(process.env.PGPORT ?? 54329),
    database: process.env.PGDATABASE ?? 'pipekit_test',
    user: process.env.PGUSER ?? 'pipekit',
    password: secret('PIPEKIT_PG_PASSWORD'),
  },
  table: process.env.PIPEKIT_USERS_TABLE ?? 'users',
  schema: z.object({ userId: z.string(), country: z.string(), tier: z.enum(['free', 'pro']) }),
});

export default source
  .kafka({ brokers, topic, schema: Click, name: 'clicks' })
  .join(users, { on: 'userId', type: 'left', lookup: { refresh: '10 minutes' } })
  .withColumn('isPro', (r) => r.tier.eq('pro'))
  .select('userId', 'page', 'ts', 'country', 'isPro')
  .sink.kafka({
    brokers,
    topic: `${topic}-enriched`,
    key: 'userId',
    checkpoint: `${dir}/checkpoints/clicks-enriched`,
  });
