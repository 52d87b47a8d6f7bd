/**
 * Sinks: options that name columns take the row's columns; an output mode the sink or the stream
 * cannot take is an error whose expected type is the reason.
 */
import { expectTypeOf } from 'vitest';
import { count, every, type ModeMistake, tumbling } from '../../src/index.js';
import { purchases } from './fixtures.js';

const p = purchases();
const perUser = p.groupBy('userId').aggregate({ n: count() });
const windowed = p
  .watermark('eventTime', '1 minute')
  .window(tumbling('1 minute'))
  .groupBy('userId')
  .aggregate({ n: count() });

// --- columns --------------------------------------------------------------------------------
p.sink.delta({ path: '/tmp/t', partitionBy: ['userId', 'eventType'] });
p.sink.file({ path: '/tmp/t', format: 'jsonl', partitionBy: ['eventType'] });
p.sink.kafka({ brokers: ['b:9092'], topic: 't', key: 'userId', headers: ['eventType'] });
perUser.sink.postgres({
  connection: { url: 'postgres://h/db' },
  table: 't',
  mode: 'upsert',
  key: ['userId'],
  outputMode: 'update',
});
// @ts-expect-error partitionBy takes the row's columns
p.sink.delta({ path: '/tmp/t', partitionBy: ['country'] });
// @ts-expect-error a column the aggregation dropped
perUser.sink.file({ path: '/tmp/t', format: 'jsonl', partitionBy: ['eventType'] });
// @ts-expect-error a Kafka key that is not a column
p.sink.kafka({ brokers: ['b:9092'], topic: 't', key: 'userid' });
// @ts-expect-error Kafka headers that are not columns
p.sink.kafka({ brokers: ['b:9092'], topic: 't', headers: ['trace'] });
// @ts-expect-error upsert needs key columns
p.sink.postgres({ connection: { url: 'postgres://h/db' }, table: 't', mode: 'upsert' });
// @ts-expect-error upsert keys are columns
p.sink.postgres({ connection: { url: 'x' }, table: 't', mode: 'upsert', key: ['id'] });

// --- output modes, with the reason ------------------------------------------------------------
windowed.sink.delta({ path: '/tmp/t', outputMode: 'append', trigger: every('5 seconds') });
perUser.sink.delta({ path: '/tmp/t', outputMode: 'complete' });
p.sink.console();
// @ts-expect-error complete of plain rows
p.sink.console({ outputMode: 'complete' });
// @ts-expect-error append of an aggregation without a watermark
perUser.sink.memory({ name: 'm', outputMode: 'append' });
// @ts-expect-error Delta cannot update
windowed.sink.delta({ path: '/tmp/t', outputMode: 'update' });
// no mode in common: allowed (a batch query takes any mode; the build refuses it for a stream)
perUser.sink.file({ path: '/tmp/t', format: 'jsonl' });

expectTypeOf<
  ModeMistake<'complete', 'rows', 'console'>
>().toEqualTypeOf<'complete output needs an aggregation: use append or update'>();
expectTypeOf<
  ModeMistake<'append', 'aggregated', 'memory'>
>().toEqualTypeOf<'append of an aggregation needs a watermark on its window column or on one of its keys, so a result is final when it is written: add .watermark(column, delay) and window or group by that column, or use update or complete'>();
expectTypeOf<
  ModeMistake<'update', 'aggregatedWithWatermark', 'delta'>
>().toEqualTypeOf<'a delta sink cannot take update: it takes append, complete'>();
expectTypeOf<ModeMistake<'append', 'aggregatedWithWatermark', 'delta'>>().toBeNever();
