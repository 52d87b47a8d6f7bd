import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deadLetter, inSet, notNull, sinks, source, unique } from '@pipekit/core';
import { defaultConnectors, runPipeline } from '@pipekit/runtime';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { registerConnectors } from '../src/index.js';
import { brokers, createTopic, logger, produce, readTopic, uniqueTopic } from './helpers.js';

const Event = z.object({ id: z.int(), user: z.string().nullable(), kind: z.string() });
type Event = z.infer<typeof Event>;

/** 2,000 events; every 17th has no user, every 23rd an unknown kind, ids repeat every 1,000. */
const events: Event[] = Array.from({ length: 2_000 }, (_x, i) => ({
  id: i % 1_000,
  user: i % 17 === 0 ? null : `u${i % 50}`,
  kind: i % 23 === 0 ? 'bogus' : i % 2 === 0 ? 'view' : 'buy',
}));

describe('expectation dead letters to Kafka', () => {
  it('each failing row once per rule in the dead-letter topic, also after a rerun of the query', async () => {
    const input = uniqueTopic('expect-in');
    const dlqTopic = uniqueTopic('expect-dlq');
    await createTopic(input, 2);
    await createTopic(dlqTopic, 1);
    await produce(
      input,
      events.map((e) => ({ key: String(e.id), value: JSON.stringify(e) })),
    );
    // The independent count: plain JavaScript over what was produced.
    const noUser = events.filter((e) => e.user === null).length;
    const bogus = events.filter((e) => e.kind !== 'view' && e.kind !== 'buy').length;

    const dlq = deadLetter(sinks.kafka({ brokers, topic: dlqTopic }));
    const checkpoint = mkdtempSync(join(tmpdir(), 'pipekit-expect-kafka-'));
    const p = source
      .kafka({
        brokers,
        topic: input,
        schema: Event,
        startingOffsets: 'earliest',
        endingOffsets: 'latest',
      })
      .expect(
        notNull('user', { onFailure: dlq }),
        inSet('kind', ['view', 'buy'], { onFailure: dlq }),
        // Warn only: the two halves of the input repeat ids, but a batch may hold both.
        unique('id'),
      )
      .sink.memory({ name: 'good', checkpoint });
    const registry = defaultConnectors();
    registerConnectors(registry);
    const run = runPipeline(p, { connectors: registry, logger });
    const result = await run.result;
    const good = run.memory.get('good');
    const both = events.filter((e) => e.user === null && e.kind === 'bogus').length;
    expect(good).toHaveLength(events.length - noUser - bogus + both);
    expect(result.expectations.slice(0, 2).map((e) => e.totalFailed)).toEqual([noUser, bogus]);

    // Rerun: the checkpoint says every batch is committed; nothing is written again.
    await runPipeline(p, { connectors: registry, logger }).result;

    const letters = [...(await readTopic(dlqTopic, noUser + bogus, { timeoutMs: 20_000 })).values()]
      .flat()
      .map(
        (m) =>
          JSON.parse(String(m.value)) as {
            rule: string;
            node: string;
            batchId: number;
            record: string;
          },
      );
    expect(letters).toHaveLength(noUser + bogus);
    expect(letters.filter((l) => l.rule === 'notNull(user)')).toHaveLength(noUser);
    expect(letters.filter((l) => l.rule === 'inSet(kind)')).toHaveLength(bogus);
    const ids = (f: (e: Event) => boolean) =>
      events
        .filter(f)
        .map((e) => e.id)
        .sort((a, b) => a - b);
    expect(
      letters
        .filter((l) => l.rule === 'notNull(user)')
        .map((l) => (JSON.parse(l.record) as Event).id)
        .sort((a, b) => a - b),
    ).toEqual(ids((e) => e.user === null));
    expect(letters.every((l) => l.node === 'expect_1' && Number.isInteger(l.batchId))).toBe(true);
  }, 120_000);
});
