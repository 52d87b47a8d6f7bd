/**
 * The operators on both engines: small pipelines over inline rows (with nulls, duplicate keys and
 * clashing column names) run on the local runtime and on Spark, and the rows must be equal. This
 * checks the lowering of expressions (core's Spark SQL printer), joins, unions, dedupe and every
 * aggregate function against Spark itself.
 */
import {
  avg,
  col,
  count,
  countDistinct,
  first,
  last,
  lit,
  max,
  min,
  type Pipeline,
  source,
  sql,
  sum,
  when,
} from '@pipekit/core';
import { type Row, runPipeline } from '@pipekit/runtime';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runOnSpark } from '../src/index.js';
import { remote } from './remote.js';

const Sale = z.object({
  id: z.int(),
  user: z.string().nullable(),
  amount: z.number().nullable(),
  country: z.string(),
  ts: z.coerce.date(),
});
const sales = [
  { id: 1, user: 'ann', amount: 12.5, country: 'DE', ts: new Date('2026-01-01T00:00:01Z') },
  { id: 2, user: 'bob', amount: null, country: 'FR', ts: new Date('2026-01-01T00:00:02Z') },
  { id: 3, user: 'ann', amount: 7, country: 'DE', ts: new Date('2026-01-01T00:00:03Z') },
  { id: 4, user: null, amount: 3.25, country: 'NL', ts: new Date('2026-01-01T00:00:04Z') },
  { id: 5, user: 'cyd', amount: 100, country: 'FR', ts: new Date('2026-01-01T00:00:05Z') },
  { id: 6, user: 'bob', amount: 100, country: 'FR', ts: new Date('2026-01-01T00:00:06Z') },
  { id: 6, user: 'bob', amount: 100, country: 'FR', ts: new Date('2026-01-01T00:00:06Z') },
];
const User = z.object({ user: z.string(), country: z.string(), tier: z.string() });
const users = [
  { user: 'ann', country: 'AT', tier: 'pro' },
  { user: 'bob', country: 'FR', tier: 'free' },
  { user: 'dee', country: 'US', tier: 'pro' },
];
const salesSource = () => source.memory({ schema: Sale, rows: sales });
const usersSource = () => source.memory({ schema: User, rows: users });

async function bothEngines(p: Pipeline): Promise<{ local: Row[]; spark: Row[] }> {
  const run = runPipeline(p);
  await run.result;
  const spark = await runOnSpark(p.plan, { remote }).result;
  return { local: [...run.memory.get('out')], spark: [...(spark.memory.get('out') ?? [])] };
}

/** Order-free rows; numbers to 12 significant digits, times as ISO text. */
function rows(rs: readonly Row[]): string[] {
  const v = (x: unknown) =>
    x instanceof Date ? x.toISOString() : typeof x === 'number' ? Number(x.toPrecision(12)) : x;
  return rs
    .map((r) =>
      JSON.stringify(
        Object.fromEntries(
          Object.keys(r)
            .sort()
            .map((k) => [k, v(r[k])]),
        ),
      ),
    )
    .sort();
}

describe('the same rows on the local runtime and on Spark', () => {
  it('filter, select and withColumn with typed and SQL expressions (null logic, CASE, strings, casts)', async () => {
    const p = salesSource()
      .filter((r) => r.amount.gt(5).or(r.amount.isNull()))
      .withColumn('big', (r) => when(r.amount.gte(100), lit('yes')).otherwise(lit('no')))
      .withColumn('label', sql`upper(coalesce(user, 'nobody')) || '-' || country`)
      .withColumn('cents', sql`CAST(amount * 100 AS BIGINT)`)
      .select('id', 'user', 'big', 'label', 'cents', 'ts')
      .sink.memory({ name: 'out' });
    const { local, spark } = await bothEngines(p);
    expect(local).toHaveLength(6);
    expect(rows(spark)).toEqual(rows(local));
  });

  it('joins of every type, with a clashing column name (country → country_right)', async () => {
    for (const type of ['inner', 'left', 'right', 'full'] as const) {
      const p = salesSource()
        .select('id', 'user', 'country')
        .join(usersSource(), { on: 'user', type })
        .sink.memory({ name: 'out' });
      const { local, spark } = await bothEngines(p);
      expect(local.length, type).toBeGreaterThan(0);
      expect(rows(spark), type).toEqual(rows(local));
    }
  });

  it('union and dedupe', async () => {
    const p = salesSource()
      .filter((r) => r.country.eq('DE'))
      .union(salesSource().filter((r) => r.country.eq('FR')))
      .dedupe('id')
      .sink.memory({ name: 'out' });
    const { local, spark } = await bothEngines(p);
    expect(local).toHaveLength(5);
    expect(rows(spark)).toEqual(rows(local));
  });

  it('every aggregate function, grouped and over the whole input', async () => {
    const aggregates = {
      n: count(),
      amounts: count('amount'),
      users: countDistinct('user'),
      total: sum('amount'),
      mean: avg('amount'),
      least: min('amount'),
      most: max('ts'),
    };
    for (const p of [
      salesSource().groupBy('country').aggregate(aggregates).sink.memory({ name: 'out' }),
      salesSource().groupBy().aggregate(aggregates).sink.memory({ name: 'out' }),
      salesSource()
        .groupBy('country')
        .aggregate({ firstId: first('id'), lastId: last('id') })
        .sink.memory({ name: 'out' }),
    ]) {
      const { local, spark } = await bothEngines(p);
      expect(local.length).toBeGreaterThan(0);
      expect(rows(spark)).toEqual(rows(local));
    }
  });

  it('a column expression over a join result (col() after the join)', async () => {
    const p = salesSource()
      .join(usersSource(), { on: 'user', type: 'left' })
      .withColumn('sameCountry', (r) => r.country.eq(col('country_right')))
      .select('id', 'sameCountry', 'tier')
      .sink.memory({ name: 'out' });
    const { local, spark } = await bothEngines(p);
    expect(rows(spark)).toEqual(rows(local));
  });
});
