/**
 * Type-level tests: every promise "this is a compile error" or "this column has this type".
 * Checked by `tsc` (npm run typecheck), not executed.
 */
import { expectTypeOf } from 'vitest';
import { z } from 'zod';
import {
  avg,
  count,
  countDistinct,
  type Expr,
  every,
  first,
  max,
  min,
  session,
  sliding,
  source,
  sql,
  sum,
  tumbling,
} from '../../src/index.js';
import { Click, purchases } from './fixtures.js';

// --- rows flow through stateless steps --------------------------------------------------------
const p = purchases();
expectTypeOf(p.filter((r) => r.amount.gt(100)).node).not.toBeAny();

const kept = p.select('userId', 'amount');
type KeptRow = typeof kept extends { filter(x: infer _P): unknown }
  ? Parameters<Parameters<typeof kept.filter>[0] & ((r: never) => unknown)>[0]
  : never;
expectTypeOf<KeptRow>().not.toBeAny();

const projected = p.select((r) => ({
  user: 'userId',
  total: r.amount.times(2),
  big: r.amount.gt(100),
}));
projected.filter((r) => {
  expectTypeOf(r.user).toEqualTypeOf<Expr<string>>();
  expectTypeOf(r.total).toEqualTypeOf<Expr<number>>();
  expectTypeOf(r.big).toEqualTypeOf<Expr<boolean>>();
  return r.big;
});

const withTax = p.withColumn('tax', (r) => r.amount.times(0.2));
withTax.filter((r) => {
  expectTypeOf(r.tax).toEqualTypeOf<Expr<number>>();
  return r.tax.gt(1);
});

const dropped = p.drop('vip', 'quantity');
// @ts-expect-error a dropped column is gone
dropped.filter((r) => r.vip.not());

// @ts-expect-error unknown column in select
p.select('userid');
// @ts-expect-error unknown column in filter
p.filter((r) => r.amout.gt(1));
// @ts-expect-error comparing a number column with a string
p.filter((r) => r.amount.gt('100'));
// @ts-expect-error comparing a string column with a number
p.filter((r) => r.userId.eq(5));
// @ts-expect-error arithmetic on a string column
p.filter((r) => r.userId.plus(1).gt(2));
// @ts-expect-error LIKE on a number column
p.filter((r) => r.amount.like('1%'));
// @ts-expect-error an enum column only equals its own values' type (string)
p.filter((r) => r.eventType.eq(true));
// @ts-expect-error a filter needs a boolean expression
p.filter((r) => r.amount.plus(1));
// nullable columns keep their operations
p.filter((r) => r.quantity.gt(1).and(r.quantity.isNotNull()));
// time columns compare with Dates and ISO strings
p.filter((r) => r.eventTime.gt(new Date(0)).and(r.eventTime.lt('2030-01-01T00:00:00Z')));
// @ts-expect-error time columns do not compare with numbers
p.filter((r) => r.eventTime.gt(5));
// sql strings are accepted where a condition goes
p.filter(sql`amount > 100 AND event_type = 'purchase'`);
// cast gives the target's type
p.withColumn('n', (r) => r.userId.cast('double')).filter((r) => r.n.gt(1));
// @ts-expect-error an unknown cast target
p.withColumn('n', (r) => r.userId.cast('number'));

// --- watermarks need time columns -----------------------------------------------------------
p.watermark('eventTime', '10 minutes');
// @ts-expect-error watermark on a string column
p.watermark('userId', '10 minutes');
// @ts-expect-error watermark on a number column
p.watermark('amount', '10 minutes');
// @ts-expect-error watermark on an unknown column
p.watermark('eventtime', '10 minutes');
// @ts-expect-error a malformed duration
p.watermark('eventTime', '10 minuets');
// a zero delay, as Spark takes it, written as a string or a number
p.watermark('eventTime', '0 seconds');
p.watermark('eventTime', 0);
// epoch-millisecond columns carry event time too
source.memory({ schema: Click }).watermark('ts', '5 seconds');

// --- aggregation: only after groupBy or window ----------------------------------------------
// @ts-expect-error aggregate before groupBy/window
p.aggregate({ n: count() });
const perUser = p.groupBy('userId').aggregate({
  n: count(),
  total: sum('amount'),
  mean: avg('amount'),
  biggest: max('amount'),
  firstSeen: min('eventTime'),
  users: countDistinct('userId'),
  kind: first('eventType'),
  qty: sum('quantity'),
});
perUser.filter((r) => {
  expectTypeOf(r.userId).toEqualTypeOf<Expr<string>>();
  expectTypeOf(r.n).toEqualTypeOf<Expr<number>>();
  expectTypeOf(r.total).toEqualTypeOf<Expr<number>>();
  expectTypeOf(r.firstSeen).toEqualTypeOf<Expr<Date>>();
  expectTypeOf(r.kind).toEqualTypeOf<Expr<'view' | 'purchase'>>();
  expectTypeOf(r.qty).toEqualTypeOf<Expr<number | null>>();
  return r.n.gt(1);
});
// @ts-expect-error a grouped stream has no window columns
perUser.filter((r) => r.window_start.isNotNull());
// @ts-expect-error sum of a string column
p.groupBy('userId').aggregate({ total: sum('userId') });
// @ts-expect-error avg of a boolean column
p.groupBy('userId').aggregate({ mean: avg('vip') });
// @ts-expect-error aggregate of an unknown column
p.groupBy('userId').aggregate({ total: sum('amout') });
// @ts-expect-error group by an unknown column
p.groupBy('user');

const windowed = p
  .watermark('eventTime', '10 minutes')
  .window(tumbling('5 minutes'))
  .groupBy('userId', 'eventType')
  .aggregate({ revenue: sum('amount') });
windowed.filter((r) => {
  expectTypeOf(r.window_start).toEqualTypeOf<Expr<Date>>();
  expectTypeOf(r.window_end).toEqualTypeOf<Expr<Date>>();
  expectTypeOf(r.eventType).toEqualTypeOf<Expr<'view' | 'purchase'>>();
  expectTypeOf(r.revenue).toEqualTypeOf<Expr<number>>();
  return r.revenue.gt(0);
});
// @ts-expect-error a window without a watermark needs its column
p.window(sliding('10 minutes', '5 minutes'));
p.window(session('30 minutes'), { column: 'eventTime' }).aggregate({ n: count() });
// @ts-expect-error a window column must be a time
p.window(tumbling('1 minute'), { column: 'amount' });

// --- output modes a sink (or stream) cannot take ---------------------------------------------
windowed.sink.delta({ path: '/tmp/t', outputMode: 'append', trigger: every('5 seconds') });
windowed.sink.console({ outputMode: 'update' });
// @ts-expect-error Delta cannot take update
windowed.sink.delta({ path: '/tmp/t', outputMode: 'update' });
// @ts-expect-error a file sink only appends
windowed.sink.file({ path: '/tmp/t', format: 'jsonl', outputMode: 'complete' });
// @ts-expect-error complete needs an aggregation
p.sink.console({ outputMode: 'complete' });
// @ts-expect-error append of an aggregation without a watermark
perUser.sink.console({ outputMode: 'append' });
// @ts-expect-error unknown sink option
p.sink.delta({ path: '/tmp/t', partitionby: ['userId'] });

// --- schemas from DDL strings and field lists give the same row type ------------------------
const ddl = source.kafka({
  brokers: ['127.0.0.1:9092'],
  topic: 't',
  schema: 'user_id STRING NOT NULL, amount DECIMAL(10,2), ts TIMESTAMP, tags ARRAY<STRING>',
});
ddl.filter((r) => {
  expectTypeOf(r.user_id).toEqualTypeOf<Expr<string>>();
  expectTypeOf(r.amount).toEqualTypeOf<Expr<number | null>>();
  expectTypeOf(r.ts).toEqualTypeOf<Expr<Date | null>>();
  expectTypeOf(r.tags).toEqualTypeOf<Expr<string[] | null>>();
  return r.amount.gt(1);
});
ddl.watermark('ts', '1 minute');
// @ts-expect-error DDL columns are checked too
ddl.filter((r) => r.userId.isNull());
const fields = source.file({
  path: 'x.jsonl',
  format: 'jsonl',
  schema: [
    { name: 'user_id', type: 'string', nullable: false },
    { name: 'amount', type: 'decimal(10,2)' },
    { name: 'ts', type: 'timestamp' },
  ],
});
fields.filter((r) => {
  expectTypeOf(r.user_id).toEqualTypeOf<Expr<string>>();
  expectTypeOf(r.amount).toEqualTypeOf<Expr<number | null>>();
  return r.amount.gt(1);
});
const fromZod = source.memory({
  schema: z.object({ user_id: z.string(), amount: z.number().nullable() }),
});
expectTypeOf<
  Parameters<Parameters<typeof fromZod.filter>[0] & ((r: never) => unknown)>[0]
>().not.toBeAny();

// --- joins ------------------------------------------------------------------------------------
const users = source.memory({
  schema: z.object({ userId: z.string(), country: z.string(), amount: z.number() }),
});
const enriched = p.join(users, { on: 'userId', type: 'left', lookup: true });
enriched.filter((r) => {
  expectTypeOf(r.country).toEqualTypeOf<Expr<string | null>>();
  expectTypeOf(r.amount_right).toEqualTypeOf<Expr<number | null>>();
  expectTypeOf(r.amount).toEqualTypeOf<Expr<number>>();
  return r.country.eq('NL');
});
// @ts-expect-error join key missing on one side
p.join(users, { on: 'eventType' });

// --- generated sources -------------------------------------------------------------------------
const rate = source.generate({ limit: 10 });
rate.filter((r) => {
  expectTypeOf(r.value).toEqualTypeOf<Expr<number>>();
  expectTypeOf(r.timestamp).toEqualTypeOf<Expr<Date>>();
  return r.value.gt(1);
});

// --- global aggregation and map side outputs ------------------------------------------------------
const total = p.groupBy().aggregate({ n: count(), revenue: sum('amount') });
total.filter((r) => {
  expectTypeOf(r.n).toEqualTypeOf<Expr<number>>();
  return r.revenue.gt(0);
});
// @ts-expect-error a global aggregate has no key columns
total.filter((r) => r.userId.isNull());
const parsed = p.map((r) => ({ id: r.userId, cents: Math.round(r.amount * 100) }), {
  badRecords: 'sideOutput',
});
parsed.badRecords().filter((r) => r.reason.contains('x'));
