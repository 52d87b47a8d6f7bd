import {
  avg,
  count,
  countDistinct,
  first,
  gen,
  last,
  lit,
  max,
  min,
  parsePlan,
  pipeline,
  session,
  sliding,
  source,
  sql,
  sum,
  tumbling,
} from '@pipekit/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compilePlan, runPipeline } from '../src/index.js';

const Sale = z.object({ user: z.string(), amount: z.number().nullable(), ts: z.coerce.date() });
const t = (m: number) => new Date(Date.UTC(2026, 0, 1, 0, m));
const sales = [
  { user: 'a', amount: 10, ts: t(0) },
  { user: 'b', amount: 5, ts: t(1) },
  { user: 'a', amount: null, ts: t(7) },
  { user: 'a', amount: 30, ts: t(12) },
  { user: 'c', amount: 1, ts: t(50) },
];
const src = (batchSize = 2) => source.memory({ schema: Sale, rows: sales, batchSize });

async function rowsOf(p: Parameters<typeof runPipeline>[0], name = 'out') {
  const run = runPipeline(p);
  await run.result;
  return run.memory.get(name);
}

describe('stateless operators', () => {
  it('filter, withColumn, select, drop', async () => {
    const out = await rowsOf(
      src()
        .filter(sql`amount > 4 AND user <> 'c'`)
        .withColumn('big', (r) => r.amount.gte(10))
        .withColumn('amount', (r) => r.amount.times(2))
        .select('user', 'amount', 'big', 'ts')
        .drop('ts')
        .sink.memory({ name: 'out' }),
    );
    expect(out).toEqual([
      { user: 'a', amount: 20, big: true },
      { user: 'b', amount: 10, big: false },
      { user: 'a', amount: 60, big: true },
    ]);
  });

  it('select with expressions, union and dedupe', async () => {
    const left = src().select({ user: 'user', one: lit(1) });
    const right = src(5)
      .filter((r) => r.user.eq('a'))
      .select({ user: 'user', one: lit(2) });
    const out = await rowsOf(left.union(right).dedupe('user', 'one').sink.memory({ name: 'out' }));
    expect(out).toEqual([
      { user: 'a', one: 1 },
      { user: 'b', one: 1 },
      { user: 'a', one: 2 },
      { user: 'c', one: 1 },
    ]);
  });

  it('the generate source is deterministic: same seed, same rows, whatever the batch size', async () => {
    const make = (batchSize: number, seed = 11) =>
      source
        .generate({
          seed,
          limit: 3_000,
          batchSize,
          columns: {
            n: gen.sequence(),
            k: gen.key('user-', 50),
            x: gen.uniform(0, 1),
            c: gen.choice(['a', 'b']),
            ts: gen.eventTime({ outOfOrderShare: 0.2, maxDelay: '1 minute' }),
          },
        })
        .sink.memory({ name: 'out' });
    const a = await rowsOf(make(1_000));
    const b = await rowsOf(make(7));
    expect(b).toEqual(a);
    expect(new Set(a.map((r) => r.k)).size).toBe(50);
    const late = a.filter((r, i) => i > 0 && (r.ts as Date) < (a[i - 1]!.ts as Date)).length;
    expect(late).toBeGreaterThan(300);
    expect(late).toBeLessThan(900);
    expect(await rowsOf(make(1_000, 12))).not.toEqual(a);
  });
});

describe('bounded stateful operators', () => {
  it('groupBy/aggregate with every function, emitted once when the input ends', async () => {
    const run = runPipeline(
      src()
        .groupBy('user')
        .aggregate({
          n: count(),
          amounts: count('amount'),
          total: sum('amount'),
          mean: avg('amount'),
          lo: min('amount'),
          hi: max('amount'),
          firstAt: first('ts'),
          lastAt: last('ts'),
          distinct: countDistinct('amount'),
        })
        .sink.memory({ name: 'out' }),
    );
    const result = await run.result;
    expect(run.memory.get('out')).toEqual([
      {
        user: 'a',
        n: 3,
        amounts: 2,
        total: 40,
        mean: 20,
        lo: 10,
        hi: 30,
        firstAt: t(0),
        lastAt: t(12),
        distinct: 2,
      },
      {
        user: 'b',
        n: 1,
        amounts: 1,
        total: 5,
        mean: 5,
        lo: 5,
        hi: 5,
        firstAt: t(1),
        lastAt: t(1),
        distinct: 1,
      },
      {
        user: 'c',
        n: 1,
        amounts: 1,
        total: 1,
        mean: 1,
        lo: 1,
        hi: 1,
        firstAt: t(50),
        lastAt: t(50),
        distinct: 1,
      },
    ]);
    expect(result.sinks.sink_1).toMatchObject({ batches: 1, rowsWritten: 3 });
  });

  it('a global aggregate over no rows is one row', async () => {
    const grouped = source
      .memory({ schema: Sale, rows: [] })
      .groupBy('user')
      .aggregate({ n: count(), total: sum('amount') })
      .sink.memory({ name: 'out' });
    // A plan may aggregate without keys (the builder asks for a window or a key first).
    const plan = structuredClone(grouped.plan) as unknown as {
      nodes: { kind: string; keys?: string[] }[];
    };
    plan.nodes[1]!.keys = [];
    const out = await rowsOf({ plan: parsePlan(plan), udfs: grouped.udfs });
    expect(out).toEqual([{ n: 0, total: null }]);
  });

  it('tumbling, sliding and session windows on a bounded input', async () => {
    const wm = () => src().watermark('ts', '1 minute');
    const tumble = await rowsOf(
      wm()
        .window(tumbling('10 minutes'))
        .groupBy('user')
        .aggregate({ n: count() })
        .sink.memory({ name: 'out' }),
    );
    expect(tumble).toEqual([
      { window_start: t(0), window_end: t(10), user: 'a', n: 2 },
      { window_start: t(0), window_end: t(10), user: 'b', n: 1 },
      { window_start: t(10), window_end: t(20), user: 'a', n: 1 },
      { window_start: t(50), window_end: t(60), user: 'c', n: 1 },
    ]);
    const slide = await rowsOf(
      wm()
        .window(sliding('10 minutes', '5 minutes'))
        .aggregate({ n: count() })
        .sink.memory({ name: 'out' }),
    );
    expect(slide.map((r) => [(r.window_start as Date).getUTCMinutes(), r.n])).toEqual([
      [55, 2],
      [0, 3],
      [5, 2],
      [10, 1],
      [45, 1],
      [50, 1],
    ]);
    const sess = await rowsOf(
      wm()
        .window(session('6 minutes'))
        .groupBy('user')
        .aggregate({ n: count() })
        .sink.memory({ name: 'out' }),
    );
    expect(sess).toEqual([
      { window_start: t(0), window_end: t(6), user: 'a', n: 1 },
      { window_start: t(7), window_end: t(18), user: 'a', n: 2 },
      { window_start: t(1), window_end: t(7), user: 'b', n: 1 },
      { window_start: t(50), window_end: t(56), user: 'c', n: 1 },
    ]);
  });

  it('hash joins of bounded inputs: inner, left, right, full', async () => {
    const users = source.memory({
      schema: z.object({ user: z.string(), country: z.string(), amount: z.number() }),
      rows: [
        { user: 'a', country: 'NL', amount: 1 },
        { user: 'z', country: 'FR', amount: 2 },
      ],
    });
    const join = (type: 'inner' | 'left' | 'right' | 'full') =>
      rowsOf(
        src()
          .select('user', 'amount')
          .join(users, { on: 'user', type })
          .sink.memory({ name: 'out' }),
      );
    expect(await join('inner')).toEqual([
      { user: 'a', amount: 10, country: 'NL', amount_right: 1 },
      { user: 'a', amount: null, country: 'NL', amount_right: 1 },
      { user: 'a', amount: 30, country: 'NL', amount_right: 1 },
    ]);
    expect((await join('left')).map((r) => [r.user, r.country])).toEqual([
      ['a', 'NL'],
      ['b', null],
      ['a', 'NL'],
      ['a', 'NL'],
      ['c', null],
    ]);
    expect(await join('right')).toHaveLength(4);
    expect((await join('full')).at(-1)).toEqual({
      user: 'z',
      amount: null,
      country: 'FR',
      amount_right: 2,
    });
  });

  it('fans out: shared steps run once per batch, each sink gets its rows', async () => {
    const shared = src().filter((r) => r.amount.gt(1));
    const run = runPipeline(
      pipeline('fan', [
        shared.sink.memory({ name: 'all' }),
        shared.groupBy('user').aggregate({ n: count() }).sink.memory({ name: 'per-user' }),
      ]),
    );
    const result = await run.result;
    expect(run.memory.get('all')).toHaveLength(3);
    expect(run.memory.get('per-user')).toHaveLength(2);
    expect(result.nodes.find((n) => n.id === 'filter_1')).toMatchObject({ rowsIn: 5, rowsOut: 3 });
  });
});

describe('what the runtime refuses before it runs', () => {
  const stream = () =>
    source.generate({ seed: 1, columns: { user: gen.key('u', 3), ts: gen.eventTime() } });

  it('full outer stream–stream joins, naming what is not supported', () => {
    const join = stream()
      .watermark('ts', '1 minute')
      .join(stream().watermark('ts', '1 minute'), {
        on: 'user',
        type: 'full',
        within: '10 minutes',
      })
      .sink.console();
    expect(() => compilePlan(join)).toThrow(/not supported yet: full outer stream–stream joins/);
  });

  it('a map node without its function (a plan read from JSON)', () => {
    const p = src()
      .map((r) => r)
      .sink.memory({ name: 'x' });
    expect(() => compilePlan({ plan: parsePlan(JSON.stringify(p.plan)), udfs: new Map() })).toThrow(
      /nodes\[1\]\.udf: the function 'udf' is not in the pipeline's UDF table/,
    );
  });

  it('an unbounded aggregation in update mode runs: changed groups each batch', async () => {
    const p = source
      .generate({ seed: 1, rowsPerSecond: 1_000, columns: { user: gen.key('u', 3) } })
      .groupBy('user')
      .aggregate({ n: count() })
      .sink.memory({
        name: 'out',
        outputMode: 'update',
        trigger: { type: 'processingTime', interval: 50 },
      });
    const run = runPipeline(p, { signal: AbortSignal.timeout(300) });
    await run.result;
    const out = run.memory.get('out');
    expect(out.length).toBeGreaterThan(3);
    expect(new Set(out.map((r) => r.user))).toEqual(new Set(['u0', 'u1', 'u2']));
  });
});
