import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { source } from '@pipekit/core';
import { describe, expect, it } from 'vitest';
import { KafkaUnavailableError } from '../src/retry.js';
import { KafkaReader } from '../src/source.js';
import {
  brokers,
  client,
  createTopic,
  kafkaSpecOf,
  sourceContext,
  sourceNodeOf,
  uniqueTopic,
} from './helpers.js';

const kafkaSh = fileURLToPath(new URL('../../../test/services/kafka.sh', import.meta.url));
const exec = promisify(execFile);

/** 50 records of 100 random bytes, written by Kafka's own Java producer with `codec`. */
async function javaProduce(topic: string, codec: string): Promise<void> {
  const cp = (await exec('bash', [kafkaSh, 'classpath'], { timeout: 120_000 })).stdout.trim();
  await exec(
    'java',
    [
      '-cp',
      cp,
      'org.apache.kafka.tools.ProducerPerformance',
      '--topic',
      topic,
      '--num-records',
      '50',
      '--record-size',
      '100',
      '--throughput',
      '-1',
      '--producer-props',
      `bootstrap.servers=${brokers.join(',')}`,
      `compression.type=${codec}`,
    ],
    { timeout: 60_000 },
  );
}

async function readAll(topic: string) {
  const node = sourceNodeOf(
    source
      .kafka({ brokers, topic, startingOffsets: 'earliest', format: 'bytes' })
      .sink.memory({ name: 'o' }),
  );
  const r = new KafkaReader(kafkaSpecOf(node), sourceContext(node), {
    client: client(),
    retry: { maxRetryTimeMs: 20_000, initialRetryTimeMs: 200, maxRetryWaitMs: 5_000 },
  });
  try {
    const start = await r.initialOffset();
    return await r.readBatch(start, (await r.planBatch(start, {}))!);
  } finally {
    await r.close();
  }
}

describe('compressed topics written by the Java producer', () => {
  it('gzip is read; lz4 fails at once with an error naming the missing codec', async () => {
    const gz = uniqueTopic('gzip');
    const lz = uniqueTopic('lz4');
    await createTopic(gz, 1);
    await createTopic(lz, 1);
    await Promise.all([javaProduce(gz, 'gzip'), javaProduce(lz, 'lz4')]);

    const rows = (await readAll(gz)).rows;
    expect(rows).toHaveLength(50);
    expect((rows[0]!.value as Uint8Array).length).toBe(100);

    const started = Date.now();
    const err = await readAll(lz).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(KafkaUnavailableError);
    expect(String(err)).toMatch(
      /LZ4-compressed records, which kafkajs cannot decode without a codec package/,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
