/**
 * Type-level tests of `.expect(...)` and the rule shorthands: a rule must fit the row.
 * Checked by `tsc` (npm run typecheck), not executed; `expect-errors.test.ts` checks the messages.
 */
import { expectTypeOf } from 'vitest';
import {
  between,
  deadLetter,
  inSet,
  matches,
  notNull,
  rule,
  type Stream,
  sinks,
  source,
  sql,
  unique,
} from '../../src/index.js';
import { Purchase, purchases } from './fixtures.js';

const p = purchases();
type Row = typeof p extends Stream<infer R, never, 'rows'> ? R : never;

// --- the row type goes on unchanged ------------------------------------------------------------
const checked = p.expect('positive amount', (r) => r.amount.gt(0), { onFailure: 'drop' });
expectTypeOf(checked).toEqualTypeOf<Stream<Row, never, 'rows'>>();
p.expect('sql rule', sql`amount > 0`);
p.expect(
  notNull('userId'),
  notNull('quantity', { onFailure: 'fail' }),
  between('amount', 0, 10_000),
  between('eventTime', '2020-01-01', '2030-01-01'),
  between('eventTime', new Date(0), new Date()),
  matches('userId', /^u\d+$/),
  inSet('eventType', ['view', 'purchase']),
  inSet('quantity', [1, 2, 3]),
  unique('userId'),
  unique(['userId', 'eventTime']),
  notNull('amount', { onFailure: deadLetter(sinks.kafka({ brokers: ['b'], topic: 'dlq' })) }),
);

// --- an unknown column does not compile ------------------------------------------------------
// @ts-expect-error unknown column in a predicate rule
p.expect('typo', (r) => r.amout.gt(0));
// @ts-expect-error unknown column in notNull
p.expect(notNull('userid'));
// @ts-expect-error unknown column in between
p.expect(between('amout', 0, 1));
// @ts-expect-error unknown column in matches
p.expect(matches('user', /x/));
// @ts-expect-error unknown column in inSet
p.expect(inSet('type', ['view']));
// @ts-expect-error unknown column in unique
p.expect(unique(['userId', 'nope']));

// --- a wrong-typed bound does not compile ------------------------------------------------------
// @ts-expect-error a number column between strings
p.expect(between('amount', 'a', 'z'));
// @ts-expect-error a string column between numbers
p.expect(between('userId', 1, 9));
// @ts-expect-error a regex on a number column
p.expect(matches('amount', /1/));
// @ts-expect-error numbers as members of a string column's set
p.expect(inSet('eventType', [1, 2]));
// @ts-expect-error a predicate comparing a number with a string
p.expect('wrong', (r) => r.amount.gt('x'));
// @ts-expect-error a predicate that is not boolean
p.expect('not boolean', (r) => r.amount.plus(1));

// --- failure modes are closed --------------------------------------------------------------------
// @ts-expect-error an unknown failure mode
p.expect('x', (r) => r.amount.gt(0), { onFailure: 'ignore' });
// @ts-expect-error deadLetter needs its sink
p.expect('x', (r) => r.amount.gt(0), { onFailure: { type: 'deadLetter' } });
// @ts-expect-error expect needs at least one rule
p.expect();

// --- rule(...) takes the stream's row type from where it is used --------------------------------
p.expect(
  rule('positive', (r) => r.amount.gt(0), { onFailure: 'drop' }),
  rule('known user', (r) => r.userId.startsWith('u')),
  notNull('userId'),
);
// @ts-expect-error unknown column in a rule(...) inside expect
p.expect(rule('typo', (r) => r.amout.gt(0)));
// @ts-expect-error a wrong-typed comparison in a rule(...)
p.expect(rule('wrong', (r) => r.userId.gt(1)));

// --- the sources and sink of issue 15 ------------------------------------------------------------
const k = source.kinesis({
  streamName: 's',
  schema: Purchase,
  includeColumns: ['shardId', 'arrivalTime'],
});
k.filter((r) => r.shardId.startsWith('shardId-').and(r.arrivalTime.gt(new Date(0))));
// @ts-expect-error a metadata column that was not asked for
k.filter((r) => r.sequenceNumber.isNotNull());
k.sink.kinesis({ streamName: 'out', partitionKey: 'userId' });
// @ts-expect-error the kinesis sink needs a partition key
k.sink.kinesis({ streamName: 'out' });
const lines = source.socket({ port: 9999 });
lines.filter((r) => r.value.startsWith('x'));
// @ts-expect-error no timestamp without includeTimestamp
lines.filter((r) => r.timestamp.isNotNull());
source.socket({ port: 9999, includeTimestamp: true }).watermark('timestamp', '1 minute');
source.rate({ rowsPerSecond: 10, rampUpTime: '5 seconds' }).filter((r) => r.value.gt(3));
// @ts-expect-error the rate source has no such option
source.rate({ rowsPerSecond: 10, numPartitions: 4 });
