import { deadLetter, sinks, source } from '@pipekit/core';
import { defaultConnectors, runPipeline } from '@pipekit/runtime';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { deadLetterHeaders, registerConnectors } from '../src/index.js';
import { brokers, createTopic, logger, produce, readTopic, uniqueTopic } from './helpers.js';

const Order = z.object({ id: z.number(), amount: z.number() });

describe('bad records with a Kafka dead-letter topic', () => {
  it('malformed records go to the DLQ with the original bytes and reason/source headers; the pipeline goes on', async () => {
    const topic = uniqueTopic('orders');
    const dlq = uniqueTopic('orders-dlq');
    await createTopic(topic, 2);
    await createTopic(dlq, 1);
    const good = (id: number) => JSON.stringify({ id, amount: id * 1.5 });
    // Partition 0: good, invalid JSON, good; partition 1: schema mismatch, good, a JSON array.
    await produce(topic, [
      { partition: 0, value: good(1) },
      { partition: 0, value: '{"id": 2, "amount": ' },
      { partition: 0, value: good(3) },
      { partition: 1, value: '{"id":"four","amount":4}' },
      { partition: 1, value: good(5) },
      { partition: 1, value: '[6]' },
    ]);

    const p = source
      .kafka({
        brokers,
        topic,
        startingOffsets: 'earliest',
        endingOffsets: 'latest',
        maxOffsetsPerTrigger: 2,
        schema: Order,
        badRecords: deadLetter(sinks.kafka({ brokers, topic: dlq })),
      })
      .sink.memory({ name: 'orders' });
    const connectors = defaultConnectors();
    registerConnectors(connectors);
    const run = runPipeline(p, { connectors, logger });
    const result = await run.result;
    expect(
      run.memory
        .get('orders')
        .map((r) => r.id)
        .sort(),
    ).toEqual([1, 3, 5]);
    expect(result.badRecords).toBe(3);

    const dead = (await readTopic(dlq, 3)).get(0)!;
    const byOffset = new Map(
      dead.map((m) => [
        `${String(m.headers?.[deadLetterHeaders.partition])}@${String(m.headers?.[deadLetterHeaders.offset])}`,
        m,
      ]),
    );
    expect([...byOffset.keys()].sort()).toEqual(['0@1', '1@0', '1@2']);
    const invalid = byOffset.get('0@1')!;
    expect(String(invalid.value)).toBe('{"id": 2, "amount": ');
    expect(String(invalid.headers![deadLetterHeaders.reason])).toMatch(/^invalid JSON/);
    expect(String(invalid.headers![deadLetterHeaders.topic])).toBe(topic);
    expect(String(invalid.headers![deadLetterHeaders.position])).toBe(`${topic}/0@1`);
    const mismatch = byOffset.get('1@0')!;
    expect(String(mismatch.value)).toBe('{"id":"four","amount":4}');
    expect(String(mismatch.headers![deadLetterHeaders.reason])).toContain("column 'id'");
    expect(String(byOffset.get('1@2')!.headers![deadLetterHeaders.reason])).toContain(
      'JSON object',
    );
  });
});
