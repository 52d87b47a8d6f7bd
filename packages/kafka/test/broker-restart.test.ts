import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { every, source } from '@pipekit/core';
import { defaultConnectors, runPipeline } from '@pipekit/runtime';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { KafkaUnavailableError, registerConnectors } from '../src/index.js';
import { KafkaReader } from '../src/source.js';
import {
  brokers,
  client,
  createTopic,
  kafkaSpecOf,
  logger,
  produce,
  readTopic,
  sourceContext,
  sourceNodeOf,
  uniqueTopic,
} from './helpers.js';

const kafkaSh = fileURLToPath(new URL('../../../test/services/kafka.sh', import.meta.url));
const run = promisify(execFile);
const broker = (cmd: 'start' | 'stop') => run('bash', [kafkaSh, cmd], { timeout: 120_000 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const Rec = z.object({ id: z.number() });

describe('the broker goes away for 10 s mid-run', () => {
  it('the pipeline (Kafka → Kafka, transactional) recovers without loss or duplicate; a short retry budget fails clearly', async () => {
    const input = uniqueTopic('restart-in');
    const output = uniqueTopic('restart-out');
    await createTopic(input, 2);
    await createTopic(output, 2);
    const total = 12_000;
    await produce(
      input,
      Array.from({ length: total }, (_, id) => ({
        partition: id % 2,
        value: JSON.stringify({ id }),
      })),
    );

    // ~48 batches of 250 records every 250 ms: the run spans the outage.
    const p = source
      .kafka({
        brokers,
        topic: input,
        startingOffsets: 'earliest',
        endingOffsets: 'latest',
        maxOffsetsPerTrigger: 250,
        schema: Rec,
      })
      .sink.kafka({
        brokers,
        topic: output,
        trigger: every('250 ms'),
        queryName: `restart-${output}`,
      });
    const connectors = defaultConnectors();
    registerConnectors(connectors, { transactions: 'always', retry: { maxRetryTimeMs: 90_000 } });
    const pipeline = runPipeline(p, { connectors, logger, signal: AbortSignal.timeout(150_000) });

    // A reader that may wait only 2 s: it must give up with a clear error while the broker is down.
    const impatientNode = sourceNodeOf(
      source
        .kafka({ brokers, topic: input, startingOffsets: 'earliest', schema: Rec })
        .sink.memory({ name: 'x' }),
    );
    const impatient = new KafkaReader(kafkaSpecOf(impatientNode), sourceContext(impatientNode), {
      client: client(),
      retry: { maxRetryTimeMs: 2_000, initialRetryTimeMs: 200, maxRetryWaitMs: 5_000 },
    });

    let giveUp: unknown = null;
    try {
      await sleep(2_500);
      await broker('stop');
      giveUp = await impatient.planBatch({}, {}).then(
        () => null,
        (e: unknown) => e,
      );
      await sleep(10_000);
    } finally {
      await broker('start');
      await impatient.close().catch(() => {});
    }
    expect(giveUp).toBeInstanceOf(KafkaUnavailableError);
    expect(String((giveUp as Error).message)).toMatch(
      /^fetching Kafka offsets failed after \d+ attempts in [\d.]+ s: broker 127\.0\.0\.1:\d+ (refused|closed) the connection$/,
    );

    const result = await pipeline.result;
    expect(result.stoppedBy).toBe('completed');
    const got = [...(await readTopic(output, total + 1, { timeoutMs: 8_000 })).values()].flat();
    const ids = got.map((m) => (JSON.parse(String(m.value)) as { id: number }).id);
    expect(ids.length).toBe(total);
    expect(new Set(ids).size).toBe(total);
  }, 180_000);
});
