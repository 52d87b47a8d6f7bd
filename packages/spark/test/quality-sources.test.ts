/**
 * The kinds of issue #15 on Spark: expectations that only count or drop rows lower to a
 * pass-through or a filter; those that need per-row outputs Spark lacks (dead letters, failing the
 * query), and Kinesis and socket sources, are refused before anything starts.
 */
import { deadLetter, notNull, rule, sinks, source, unique } from '@pipekit/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkForSpark, planForSpark } from '../src/index.js';

const Click = z.object({ user: z.string().nullable(), amount: z.number() });
const kafka = () => source.kafka({ brokers: ['127.0.0.1:9'], topic: 't', schema: Click });

const messages = (plan: Parameters<typeof checkForSpark>[0]) =>
  checkForSpark(plan).map((i) => `${i.path.join('.')}: ${i.message} (${i.fix})`);

const json = (v: unknown) =>
  JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));

describe('expectations on Spark', () => {
  it('warn rules pass rows through; drop rules keep the rows passing every one (NULL passes)', () => {
    const plan = kafka()
      .expect(
        notNull('user'),
        rule('positive', (r) => r.amount.gt(0), { onFailure: 'drop' }),
        rule('small', (r) => r.amount.lt(1000), { onFailure: 'drop' }),
      )
      .sink.memory({ name: 'm' }).plan;
    expect(messages(plan)).toEqual([]);
    const text = json(planForSpark(plan).jobs);
    expect(text).toMatch(
      /coalesce\(\(.*amount.* > 0\), true\) AND coalesce\(\(.*amount.* < 1000\), true\)/,
    );
    expect(text).not.toContain('IS NOT NULL');

    const warnOnly = kafka().expect(notNull('user')).sink.memory({ name: 'w' }).plan;
    expect(json(planForSpark(warnOnly).jobs)).not.toContain('"filter"');
  });

  it('deadLetter and fail rules, and dropping repeats, are refused with the way out', () => {
    const plan = kafka()
      .expect(
        notNull('user', { onFailure: 'fail' }),
        rule('positive', (r) => r.amount.gt(0), {
          onFailure: deadLetter(sinks.kafka({ brokers: ['127.0.0.1:9'], topic: 'bad' })),
        }),
        unique(['user'], { onFailure: 'drop' }),
      )
      .sink.memory({ name: 'm' }).plan;
    expect(messages(plan)).toEqual([
      expect.stringMatching(
        /^nodes\.1\.rules\.0\.onFailure: Spark cannot run this: expectation 'notNull\(user\)' with onFailure 'fail'.*\(use onFailure 'warn' or 'drop'/,
      ),
      expect.stringMatching(
        /^nodes\.1\.rules\.1\.onFailure: Spark cannot run this: expectation 'positive' with onFailure 'deadLetter'.*run on the local engine\)$/,
      ),
      expect.stringMatching(
        /^nodes\.1\.rules\.2: Spark cannot run this: expectation 'unique\(user\)' drops rows repeated within a micro-batch/,
      ),
    ]);
  });
});

describe('sources and sinks Spark has not', () => {
  it('a Kinesis source and sink, a socket source: refused, each with a fix', () => {
    const kinesis = source
      .kinesis({ streamName: 'clicks', schema: Click })
      .sink.kinesis({ streamName: 'out', partitionKey: 'user' }).plan;
    expect(messages(kinesis)).toEqual([
      expect.stringMatching(
        /^nodes\.0\.source: Spark cannot run this: a Kinesis source \(stream 'clicks'\): Spark has no built-in Kinesis source.*\(bridge the stream to Kafka/,
      ),
      expect.stringMatching(
        /^nodes\.1\.sink: Spark cannot run this: a Kinesis sink \(stream 'out'\).*\(write to Kafka/,
      ),
    ]);
    expect(() => planForSpark(kinesis)).toThrow(/cannot run on Spark/);

    const socket = source.socket({ port: 9999 }).sink.memory({ name: 's' }).plan;
    expect(messages(socket)).toEqual([
      expect.stringMatching(
        /^nodes\.0\.source: Spark cannot run this: a socket source \(127\.0\.0\.1:9999\).*\(run on the local engine/,
      ),
    ]);
  });

  it("rate is generate: Spark's rate source with its rampUpTime, in whole seconds", () => {
    const plan = source
      .rate({ rowsPerSecond: 100, rampUpTime: '2500 ms' })
      .sink.memory({ name: 'r' }).plan;
    expect(plan.nodes[0]).toMatchObject({
      kind: 'source',
      source: { type: 'generate', rowsPerSecond: 100, rampUpTime: 2500 },
    });
    expect(json(planForSpark(plan).jobs)).toContain('"rampUpTime":"3s"');
  });
});
