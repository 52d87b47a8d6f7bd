/**
 * Every example, on both engines against the same real services: the local runtime and Spark
 * (over Spark Connect) read the same input and their outputs are compared row for row,
 * order-free. An example Spark cannot run is refused before anything starts, with the reason.
 */
import { join } from 'node:path';
import type { Pipeline } from '@pipekit/core';
import { checkForSpark } from '@pipekit/spark';
import { afterAll, describe, expect, it } from 'vitest';
import { createTopic, produce, readTopic, uniqueTopic } from '../../packages/kafka/test/helpers.ts';
import { sql, unique } from '../../packages/postgres/test/helpers.ts';
import {
  comparable,
  deltaRows,
  onBothEngines,
  renamed,
  runLocally,
  runSpark,
  toTheEnd,
} from './engines.js';
import { readFiles, workDir } from './helpers.js';

const dir = workDir('both-engines');
const load = async (file: string) =>
  ((await import(`../${file}`)) as { default: Pipeline }).default;

/**
 * A fresh orders table (dropped after the file's tests) of `rows` orders over `customers`
 * customers, three countries (one NULL) and three statuses cycled every `statusEvery` orders.
 */
async function seedOrders(
  prefix: string,
  o: { rows: number; customers: number; statusEvery: number },
): Promise<string> {
  const orders = unique(prefix);
  afterAll(() => sql(`DROP TABLE IF EXISTS ${orders}`));
  await sql(`CREATE TABLE ${orders} (order_id bigint PRIMARY KEY, customer_id text NOT NULL, country text,
               status text NOT NULL, amount numeric(12,2) NOT NULL, created_at timestamptz NOT NULL)`);
  await sql(`INSERT INTO ${orders}
    SELECT g, 'c' || (g % ${o.customers}), (ARRAY['DE', 'FR', NULL])[g % 3 + 1],
           (ARRAY['paid', 'shipped', 'new'])[g % ${o.statusEvery} % 3 + 1],
           (g % ${o.rows} + 1) / 100.0, timestamptz '2024-01-01' + g * interval '1 minute'
      FROM generate_series(1, ${o.rows}) g`);
  return orders;
}

describe('the examples give the same rows on the local runtime and on Spark', () => {
  it('quickstart: 1M generated clicks → revenue per user in Delta', async () => {
    const quickstart = await load('quickstart.pipeline.ts');
    const { local: l, spark: s } = await onBothEngines(
      quickstart.plan,
      './data/quickstart/revenue-per-user',
      join(dir, 'qs'),
      deltaRows,
    );
    expect(l.length).toBeGreaterThan(9_000);
    expect(comparable(s)).toEqual(comparable(l));
  });

  it('kafka-to-delta: windowed revenue from a real topic, closed windows only', async () => {
    const topic = uniqueTopic('engines-events');
    await createTopic(topic, 3);
    const t0 = Date.UTC(2026, 10, 1, 12, 0, 0);
    const users = ['ann', 'bob', 'cyd', 'dee'];
    const events = Array.from({ length: 1_200 }, (_, i) => ({
      userId: users[i % 4],
      eventType: i % 3 === 0 ? 'view' : 'purchase',
      amount: (i % 40) - 2.75,
      eventTime: new Date(t0 + i * 3_000).toISOString(),
    }));
    await produce(
      topic,
      events.map((e) => ({ key: e.userId!, value: JSON.stringify(e) })),
    );
    process.env.KAFKA_TOPIC = topic;
    process.env.WORK_DIR = join(dir, 'k2d');
    const plan = toTheEnd((await load('kafka-to-delta.pipeline.ts')).plan);
    const { local: l, spark: s } = await onBothEngines(
      plan,
      join(dir, 'k2d'),
      join(dir, 'k2d'),
      (d) => deltaRows(join(d, 'data', 'revenue')),
    );
    // 60 minutes of events, watermark 15 minutes behind: windows up to 12:40 are closed.
    expect(l).toHaveLength(16);
    expect(comparable(s)).toEqual(comparable(l));
  });

  it('postgres-batch: a table read in 4 ranges → totals per country and status in Delta', async () => {
    process.env.PIPEKIT_ORDERS_TABLE = await seedOrders('orders', {
      rows: 3000,
      customers: 100,
      statusEvery: 4,
    });
    process.env.PIPEKIT_PG_PASSWORD ??= 'pipekit';
    process.env.PIPEKIT_ORDER_TOTALS = join(dir, 'totals');
    const plan = (await load('postgres-batch.pipeline.ts')).plan;
    const { local: l, spark: s } = await onBothEngines(
      plan,
      join(dir, 'totals'),
      join(dir, 'totals'),
      deltaRows,
    );
    expect(l).toHaveLength(6);
    expect(comparable(s)).toEqual(comparable(l));
  });
});

describe('more examples on both engines', () => {
  it('postgres-to-parquet: totals per country as Parquet files', async () => {
    process.env.PIPEKIT_ORDERS_TABLE = await seedOrders('orders_pq', {
      rows: 2000,
      customers: 70,
      statusEvery: 5,
    });
    process.env.PIPEKIT_PG_PASSWORD ??= 'pipekit';
    process.env.PIPEKIT_OUT = join(dir, 'pq');
    const plan = (await load('postgres-to-parquet.pipeline.ts')).plan;
    const { local: l, spark: s } = await onBothEngines(
      plan,
      join(dir, 'pq'),
      join(dir, 'pq'),
      (d) => readFiles(join(d, '*.parquet'), 'parquet'),
    );
    expect(l).toHaveLength(3);
    expect(comparable(s)).toEqual(comparable(l));
  });

  it('fan-out: generated orders to Parquet partitioned by channel (and big ones to the console)', async () => {
    process.env.WORK_DIR = join(dir, 'fan');
    const plan = (await load('fan-out.pipeline.ts')).plan;
    await runLocally(renamed(plan, join(dir, 'fan'), join(dir, 'fan-local')));
    await runSpark(renamed(plan, join(dir, 'fan'), join(dir, 'fan-spark')));
    for (const channel of ['web', 'app', 'store']) {
      const part = (engine: string) =>
        readFiles(
          join(dir, `fan-${engine}`, 'data', 'orders', `channel=${channel}`, '*.parquet'),
          'parquet',
        );
      const [l, s] = [await part('local'), await part('spark')];
      expect(l.length, channel).toBeGreaterThan(5_000);
      expect(comparable(s), channel).toEqual(comparable(l));
    }
  });

  it('enrichment-join: clicks from Kafka joined with profiles from Postgres, to Kafka', async () => {
    const users = unique('users');
    afterAll(() => sql(`DROP TABLE IF EXISTS "${users}"`));
    await sql(
      `CREATE TABLE "${users}" ("userId" text PRIMARY KEY, country text NOT NULL, tier text NOT NULL)`,
    );
    await sql(
      `INSERT INTO "${users}" VALUES ('u1', 'DE', 'pro'), ('u2', 'FR', 'free'), ('u3', 'NL', 'pro')`,
    );
    const topic = uniqueTopic('engines-clicks');
    await createTopic(topic, 2);
    await createTopic(`${topic}-local`, 2);
    await createTopic(`${topic}-spark`, 2);
    const clicks = Array.from({ length: 40 }, (_, i) => ({
      userId: `u${i % 5}`, // u0 and u4 have no profile: nulls
      page: `/p/${i % 7}`,
      ts: new Date(Date.UTC(2026, 0, 1) + i * 1_000).toISOString(),
    }));
    await produce(
      topic,
      clicks.map((c) => ({ key: c.userId, value: JSON.stringify(c) })),
    );
    process.env.KAFKA_TOPIC = topic;
    process.env.PIPEKIT_USERS_TABLE = users;
    process.env.PIPEKIT_PG_PASSWORD ??= 'pipekit';
    process.env.WORK_DIR = join(dir, 'enrich');
    // The example starts at the latest offsets (clicks from now on); here both engines read the
    // clicks produced above, to their end.
    const plan = renamed(
      toTheEnd((await load('enrichment-join.pipeline.ts')).plan),
      '"startingOffsets":"latest"',
      '"startingOffsets":"earliest"',
    );
    await runLocally(
      renamed(
        renamed(plan, `${topic}-enriched`, `${topic}-local`),
        join(dir, 'enrich'),
        join(dir, 'enrich-local'),
      ),
    );
    await runSpark(
      renamed(
        renamed(plan, `${topic}-enriched`, `${topic}-spark`),
        join(dir, 'enrich'),
        join(dir, 'enrich-spark'),
      ),
    );
    const values = async (t: string) =>
      [...(await readTopic(t, clicks.length)).values()]
        .flat()
        .map((m) => JSON.parse(String(m.value)) as Record<string, unknown>);
    const [l, s] = [await values(`${topic}-local`), await values(`${topic}-spark`)];
    expect(l).toHaveLength(clicks.length);
    expect(l.filter((r) => r.country === null)).toHaveLength(16);
    expect(comparable(s)).toEqual(comparable(l));
  });
});

describe('examples Spark cannot run are refused before anything starts, with the reason', () => {
  const refusals = async (file: string) =>
    checkForSpark((await load(file)).plan).map((i) => i.message);

  it('kafka-to-postgres: a streaming upsert into Postgres', async () => {
    expect(await refusals('kafka-to-postgres.pipeline.ts')).toEqual([
      expect.stringMatching(
        /^Spark cannot run this: a streaming Postgres sink: Spark writes JDBC only from batches/,
      ),
    ]);
  });

  it('sessions-late-data: the stream of late page views', async () => {
    expect(await refusals('sessions-late-data.pipeline.ts')).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^Spark cannot run this: a 'sideOutput' policy for late rows: Spark drops late rows/,
        ),
        expect.stringMatching(/^Spark cannot run this: a stream of late rows/),
      ]),
    );
  });

  it('kafka-to-parquet: bad records to a dead-letter topic', async () => {
    expect(await refusals('kafka-to-parquet.pipeline.ts')).toEqual([
      expect.stringMatching(/^Spark cannot run this: a 'deadLetter' policy for bad records/),
    ]);
  });
});
