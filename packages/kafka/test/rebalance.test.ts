import { randomUUID } from 'node:crypto';
import { source } from '@pipekit/core';
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { KafkaReader } from '../src/source.js';
import {
  brokers,
  client,
  createTopic,
  kafkaSpecOf,
  produce,
  retry,
  sourceContext,
  sourceNodeOf,
  uniqueTopic,
} from './helpers.js';

describe('rebalances', () => {
  it('a read spanning a rebalance (another member holds half the partitions, then leaves) returns exactly its range', async () => {
    const topic = uniqueTopic('rebal');
    await createTopic(topic, 4);
    await produce(
      topic,
      Array.from({ length: 400 }, (_, id) => ({
        partition: id % 4,
        value: JSON.stringify({ id }),
      })),
    );
    const groupId = `pipekit-rebalance-${randomUUID().slice(0, 8)}`;

    // Another member of the same group, consuming (and committing) on its own.
    const other = new Kafka({ brokers, logLevel: logLevel.NOTHING }).consumer({
      groupId,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
    });
    await other.connect();
    await other.subscribe({ topic, fromBeginning: true });
    let otherSaw = 0;
    await other.run({
      eachBatch: async ({ batch }) => {
        otherSaw += batch.messages.length;
      },
    });

    const node = sourceNodeOf(
      source
        .kafka({
          brokers,
          topic,
          groupId,
          startingOffsets: 'earliest',
          schema: z.object({ id: z.number() }),
          includeColumns: ['partition'],
        })
        .sink.memory({ name: 'o' }),
    );
    const reader = new KafkaReader(kafkaSpecOf(node), sourceContext(node), {
      client: client(),
      retry,
    });
    try {
      const start = await reader.initialOffset();
      const end = (await reader.planBatch(start, {}))!;
      const reading = reader.readBatch(start, end);
      // Let the group settle with both members, then the other one leaves.
      await new Promise((r) => setTimeout(r, 3_000));
      await other.disconnect();
      const { rows } = await reading;
      expect(otherSaw).toBeGreaterThan(0);
      expect(rows.map((r) => r.id as number).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 400 }, (_, i) => i),
      );
      for (let p = 0; p < 4; p++) {
        const ids = rows.filter((r) => r.partition === p).map((r) => r.id as number);
        expect(ids).toEqual([...ids].sort((a, b) => a - b));
      }
    } finally {
      await other.disconnect().catch(() => {});
      await reader.close();
    }
  });
});
