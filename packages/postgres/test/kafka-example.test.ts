import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Pipeline, source } from '@pipekit/core';
import { registerConnectors as registerKafka } from '@pipekit/kafka';
import { defaultConnectors, runPipeline } from '@pipekit/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { registerConnectors } from '../src/index.js';
import { logger, pgUrl, sql, unique } from './helpers.js';

const kafkaScript = fileURLToPath(new URL('../../../test/services/kafka.sh', import.meta.url));
const table = unique('customer_profiles');
const topic = `${table}-${process.pid}`;
const checkpoints = mkdtempSync(join(tmpdir(), 'pipekit-kafka-pg-'));

const ProfileChange = z.object({
  customerId: z.string(),
  email: z.string(),
  tier: z.enum(['free', 'pro', 'enterprise']),
  lifetimeValue: z.number(),
  updatedAt: z.coerce.date(),
});

function connectors() {
  const registry = defaultConnectors();
  registerKafka(registry);
  registerConnectors(registry);
  return registry;
}

beforeAll(() => {
  execFileSync('bash', [kafkaScript, 'start'], { stdio: 'ignore', timeout: 240_000 });
}, 300_000);

afterAll(async () => {
  rmSync(checkpoints, { recursive: true, force: true });
  await sql(`DROP TABLE IF EXISTS "${table}"`);
});

describe('examples/kafka-to-postgres.pipeline.ts', () => {
  it('upserts the latest profile of each customer from a real Kafka topic into Postgres', async () => {
    // Six changes of three customers, produced through pipekit's own Kafka sink.
    const changes = [
      ['c1', 'a@x.io', 'free', 0, '2026-01-01T00:00:00Z'],
      ['c2', 'b@x.io', 'free', 10, '2026-01-01T00:01:00Z'],
      ['c1', 'a@x.io', 'pro', 99, '2026-01-01T00:02:00Z'],
      ['c3', 'c@x.io', 'enterprise', 5000, '2026-01-01T00:03:00Z'],
      ['c2', 'b2@x.io', 'pro', 120, '2026-01-01T00:04:00Z'],
      ['c1', 'a@x.io', 'enterprise', 1000, '2026-01-01T00:05:00Z'],
    ] as const;
    const produce = source
      .memory({
        schema: ProfileChange,
        rows: changes.map(([customerId, email, tier, lifetimeValue, at]) => ({
          customerId,
          email,
          tier,
          lifetimeValue,
          updatedAt: new Date(at),
        })),
      })
      .sink.kafka({
        brokers: [process.env.KAFKA_BROKERS ?? '127.0.0.1:9092'],
        topic,
        key: 'customerId',
      });
    expect(
      (await runPipeline(produce, { connectors: connectors(), logger }).result).stoppedBy,
    ).toBe('completed');

    process.env.PIPEKIT_PROFILES_TOPIC = topic;
    process.env.PIPEKIT_PROFILES_TABLE = table;
    process.env.PIPEKIT_CHECKPOINT = join(checkpoints, 'profiles');
    process.env.PIPEKIT_PG_URL = pgUrl;
    process.env.PIPEKIT_PG_PASSWORD = 'pipekit';
    const example = new URL('../../../examples/kafka-to-postgres.pipeline.ts', import.meta.url)
      .href;
    const { default: pipeline } = (await import(example)) as { default: Pipeline };

    const stop = new AbortController();
    const run = runPipeline(pipeline, { connectors: connectors(), logger, signal: stop.signal });
    run.result.catch((e) => console.error('RUN FAILED', e));
    let rows: { customerId: string; email: string; tier: string; lifetimeValue: number }[] = [];
    // The stream never ends by itself: poll the table (at most 60 s), then stop the pipeline.
    for (let waited = 0; waited < 60_000; waited += 500) {
      await new Promise((r) => setTimeout(r, 500));
      const exists = await sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_tables WHERE tablename = '${table}'`,
      );
      if (exists[0]?.n !== 1) continue;
      rows = await sql(
        `SELECT "customerId", email, tier, "lifetimeValue" FROM "${table}" ORDER BY "customerId"`,
      );
      if (rows.length === 3 && rows[0]?.tier === 'enterprise' && rows[1]?.email === 'b2@x.io')
        break;
    }
    stop.abort();
    expect((await run.result).stoppedBy).toBe('stopped');
    expect(rows.map((r) => [r.customerId, r.email, r.tier, Number(r.lifetimeValue)])).toEqual([
      ['c1', 'a@x.io', 'enterprise', 1000],
      ['c2', 'b2@x.io', 'pro', 120],
      ['c3', 'c@x.io', 'enterprise', 5000],
    ]);
  }, 180_000);
});
