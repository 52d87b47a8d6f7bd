/**
 * What Spark cannot run is refused before anything starts, naming the node, the reason and the way
 * out; the checks every engine shares refuse what Spark itself refuses.
 */
import {
  availableNow,
  count,
  countDistinct,
  every,
  PipekitError,
  secret,
  source,
  tumbling,
} from '@pipekit/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  fixture,
  pipelineOf,
  scenario,
  scratch,
  writeBatches,
} from '../../../test/spark-parity/scenario-pipeline.js';
import { checkForSpark, planForSpark, runOnSpark } from '../src/index.js';

const Click = z.object({ user: z.string(), amount: z.number(), ts: z.coerce.date() });
const kafka = () => source.kafka({ brokers: ['127.0.0.1:9'], topic: 't', schema: Click });

function messages(plan: Parameters<typeof checkForSpark>[0]): string[] {
  return checkForSpark(plan).map(
    (i) => `${i.path.join('.')}: ${i.message}${i.fix ? ` (${i.fix})` : ''}`,
  );
}

describe('Spark refusals', () => {
  it('countDistinct on a stream: as real Spark refused the parity scenario', () => {
    const name = 'tumbling-update-countdistinct';
    const f = fixture(name);
    expect('rejected' in f && f.rejected).toMatch(/^Distinct aggregations/);
    const { dir, remove } = scratch();
    try {
      const plan = pipelineOf(scenario(name), writeBatches(scenario(name), dir)).plan;
      expect(messages(plan)).toEqual([
        expect.stringMatching(
          /^nodes\.2\.aggregates\.1: Spark cannot run this: countDistinct\('value'\) on a stream: Spark refuses distinct aggregations in streaming queries \(aggregate a bounded read, or run on the local engine/,
        ),
      ]);
    } finally {
      remove();
    }
  });

  it('a JavaScript map, a streaming Postgres sink, a late-rows stream: all at once, before anything starts', async () => {
    const windowed = kafka()
      .watermark('ts', '5 seconds')
      .window(tumbling('1 minute'))
      .groupBy('user')
      .aggregate({ n: count(), users: countDistinct('user') }, { late: 'sideOutput' });
    const plan = windowed.sink.memory({ name: 'm', outputMode: 'append' }).plan;
    const found = messages(plan);
    expect(found.some((m) => m.includes("countDistinct('user') on a stream"))).toBe(true);
    expect(found.some((m) => m.includes("a 'sideOutput' policy for late rows"))).toBe(true);

    const pg = kafka()
      .map((r) => ({ ...r, big: r.amount > 10 }), {
        schema: z.object({
          user: z.string(),
          amount: z.number(),
          ts: z.coerce.date(),
          big: z.boolean(),
        }),
      })
      .sink.postgres({
        connection: { host: '127.0.0.1', password: secret('NOPE') },
        table: 't',
        trigger: every('1 second'),
      }).plan;
    const pgFound = messages(pg);
    expect(pgFound).toEqual([
      expect.stringContaining(
        "Spark cannot run this: map 'map_1' runs a JavaScript function on each row",
      ),
      expect.stringContaining('Spark cannot run this: a streaming Postgres sink'),
    ]);
    // Refused before a connection is made: no server answers at this address.
    await expect(runOnSpark(pg, { remote: 'sc://127.0.0.1:9' }).result).rejects.toThrow(
      PipekitError,
    );
    expect(() => planForSpark(pg)).toThrow(/cannot run on Spark/);
  });

  it('the shared rules refuse what Spark refuses: append without a watermark, update of sessions', () => {
    const { dir, remove } = scratch();
    try {
      for (const [name, pattern] of [
        [
          'tumbling-append-no-watermark-rejected',
          /append output of aggregation 'aggregate_1' needs a watermark/,
        ],
        [
          'session-update',
          /update output of session-window aggregation 'aggregate_1' is not supported/,
        ],
      ] as const) {
        const f = fixture(name);
        expect('rejected' in f && f.rejected).toContain(
          'STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION',
        );
        expect(() => pipelineOf(scenario(name), writeBatches(scenario(name), dir))).toThrow(
          pattern,
        );
      }
    } finally {
      remove();
    }
  });

  it('a plan Spark can run has no issues', () => {
    const plan = kafka()
      .watermark('ts', '5 seconds')
      .window(tumbling('1 minute'))
      .groupBy('user')
      .aggregate({ n: count() })
      .sink.memory({ name: 'm', outputMode: 'append', trigger: availableNow() }).plan;
    expect(checkForSpark(plan)).toEqual([]);
  });
});
