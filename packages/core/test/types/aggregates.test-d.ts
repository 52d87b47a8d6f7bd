/**
 * Aggregates: each function takes only the columns it can aggregate, in both forms; an error names
 * the function and the column in one line.
 */
import { expectTypeOf } from 'vitest';
import {
  type AggregateBuilder,
  type AggregateMistake,
  count,
  type Expr,
  type InferRow,
  max,
  min,
  source,
  sum,
  tumbling,
} from '../../src/index.js';
import { purchases } from './fixtures.js';

const p = purchases();
type P = InferRow<typeof p>;

// the callback form: the builder's parameters are exactly the columns each function takes
expectTypeOf<Parameters<AggregateBuilder<P>['sum']>[0]>().toEqualTypeOf<'amount' | 'quantity'>();
expectTypeOf<Parameters<AggregateBuilder<P>['avg']>[0]>().toEqualTypeOf<'amount' | 'quantity'>();
expectTypeOf<Parameters<AggregateBuilder<P>['min']>[0]>().toEqualTypeOf<keyof P>();
expectTypeOf<Parameters<AggregateBuilder<P>['first']>[0]>().toEqualTypeOf<keyof P>();

const perUser = p.groupBy('userId').aggregate((a) => ({
  n: a.count(),
  total: a.sum('amount'),
  qty: a.sum('quantity'),
  firstSeen: a.min('eventTime'),
  kind: a.last('eventType'),
  users: a.countDistinct('userId'),
}));
perUser.filter((r) => {
  expectTypeOf(r.userId).toEqualTypeOf<Expr<string>>();
  expectTypeOf(r.n).toEqualTypeOf<Expr<number>>();
  expectTypeOf(r.total).toEqualTypeOf<Expr<number>>();
  expectTypeOf(r.qty).toEqualTypeOf<Expr<number | null>>();
  expectTypeOf(r.firstSeen).toEqualTypeOf<Expr<Date>>();
  expectTypeOf(r.kind).toEqualTypeOf<Expr<'view' | 'purchase'>>();
  return r.n.gt(1);
});
p.watermark('eventTime', '1 minute')
  .window(tumbling('1 minute'))
  .aggregate((a) => ({ biggest: a.max('amount') }))
  .filter((r) => r.biggest.gt(1).and(r.window_start.isNotNull()));

// @ts-expect-error sum of a string column (callback form)
p.groupBy('userId').aggregate((a) => ({ total: a.sum('userId') }));
// @ts-expect-error avg of a time column (callback form)
p.groupBy('userId').aggregate((a) => ({ mean: a.avg('eventTime') }));
// @ts-expect-error an unknown column (callback form)
p.groupBy('userId').aggregate((a) => ({ n: a.count('nope') }));

// the object form: the same rules
p.groupBy('userId').aggregate({ n: count(), total: sum('amount'), top: max('eventTime') });
// @ts-expect-error sum of a string column
p.groupBy('userId').aggregate({ n: count(), total: sum('userId') });
// @ts-expect-error an unknown column
p.groupBy('userId').aggregate({ low: min('amout') });

// the messages the compiler shows as the expected type
expectTypeOf<
  AggregateMistake<P, ReturnType<typeof sum<'userId'>>>
>().toEqualTypeOf<'sum needs a numeric column: userId is string'>();
expectTypeOf<
  AggregateMistake<P, ReturnType<typeof min<'amout'>>>
>().toEqualTypeOf<'min: amout is not a column'>();
expectTypeOf<AggregateMistake<P, ReturnType<typeof sum<'amount'>>>>().toBeNever();

// without a schema the column types are unknown: the check waits for the plan's build
const untyped = source.file({ path: 'a.parquet', format: 'parquet' });
untyped.groupBy('k').aggregate({ total: sum('amount'), top: max('at') });
untyped.groupBy('k').aggregate((a) => ({ total: a.sum('amount'), top: a.max('at') }));
