import type { Row } from '@pipekit/runtime';
import type { KafkaMessage } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { kafkaConfig } from '../src/client.js';
import { envSecrets } from '../src/index.js';
import { ProducerThread, withProducerThread } from '../src/producer-thread.js';
import { KafkaWriter } from '../src/sink.js';
import {
  brokers,
  client,
  createTopic,
  logger,
  readTopic,
  retry,
  sinkContext,
  uniqueTopic,
} from './helpers.js';

const config = kafkaConfig(
  { brokers },
  { clientId: 'pipekit-test', secrets: envSecrets, retry, logger },
);
const threaded = () => withProducerThread(client(), config, logger);

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const w of open.splice(0)) await w.close();
});

function writer(topic: string, queryId: string, transactional: boolean, thread: boolean) {
  const spec = {
    type: 'kafka' as const,
    brokers,
    topic,
    key: 'key',
    headers: ['key', 'meta'],
    compression: 'none' as const,
    idempotent: true,
  };
  const w = new KafkaWriter(spec, sinkContext(queryId), {
    client: thread ? threaded() : client(),
    retry,
    transactional,
  });
  open.push(w);
  return w;
}

const rowsOf = (from: number, to: number): Row[] =>
  Array.from({ length: to - from }, (_, k) => ({
    id: from + k,
    key: `k${(from + k) % 11}`,
    meta: { origin: 'test', n: String(from + k) },
    text: `é-${'x'.repeat((from + k) % 300)}`,
    at: new Date(Date.UTC(2026, 0, 1) + (from + k) * 997),
  }));

/** Per partition: key, value, headers as text, in offset order. */
function shape(byPartition: Map<number, KafkaMessage[]>) {
  const out: Record<number, string[]> = {};
  for (const [p, list] of byPartition)
    out[p] = list.map((m) =>
      JSON.stringify([
        m.key?.toString(),
        m.value?.toString(),
        Object.entries(m.headers ?? {}).map(([k, v]) => [k, String(v)]),
      ]),
    );
  return out;
}

describe('the producer thread against a real broker', () => {
  it('writes exactly what the in-thread producer writes: keys, headers, values, partitions, order', async () => {
    const inThread = uniqueTopic('pt-ref');
    const inWorker = uniqueTopic('pt-thr');
    await createTopic(inThread, 3);
    await createTopic(inWorker, 3);
    const total = 30_000;
    const a = writer(inThread, 'pt-ref', false, false);
    const b = writer(inWorker, 'pt-thr', false, true);
    for (let batch = 0; batch < 3; batch++) {
      const rows = rowsOf(batch * 10_000, (batch + 1) * 10_000);
      await a.writeBatch({ queryId: 'pt-ref', batchId: batch, rows, schema: null });
      await b.writeBatch({ queryId: 'pt-thr', batchId: batch, rows, schema: null });
    }
    const ref = await readTopic(inThread, total);
    const got = await readTopic(inWorker, total);
    expect([...got.values()].reduce((n, l) => n + l.length, 0)).toBe(total);
    expect(shape(got)).toEqual(shape(ref));
  });

  it('transactional through the thread: a committed batch is seen once, a replay is skipped', async () => {
    const topic = uniqueTopic('pt-tx');
    await createTopic(topic, 2);
    const w = writer(topic, 'pt-tx', true, true);
    await w.writeBatch({ queryId: 'pt-tx', batchId: 0, rows: rowsOf(0, 5_000), schema: null });
    await w.writeBatch({ queryId: 'pt-tx', batchId: 1, rows: rowsOf(5_000, 8_000), schema: null });
    // A new run replays batch 1 (committed): not written again.
    const again = writer(topic, 'pt-tx', true, true);
    await again.writeBatch({
      queryId: 'pt-tx',
      batchId: 1,
      rows: rowsOf(5_000, 8_000),
      schema: null,
    });
    await again.writeBatch({
      queryId: 'pt-tx',
      batchId: 2,
      rows: rowsOf(8_000, 9_000),
      schema: null,
    });
    const seen = await readTopic(topic, 9_001, { timeoutMs: 8_000 });
    const ids = [...seen.values()].flat().map((m) => JSON.parse(m.value!.toString()).id as number);
    expect(ids.length).toBe(9_000);
    expect(new Set(ids).size).toBe(9_000);
  });

  it('pipelined sends: one that fails stops those queued behind it; the thread goes on afterwards', async () => {
    const topic = uniqueTopic('pt-fail');
    await createTopic(topic, 1);
    const p = new ProducerThread(config, { idempotent: true, maxInFlightRequests: 1 }, logger);
    open.push({ close: () => p.disconnect() });
    await p.connect();
    const batch = (from: number, n: number, value = (i: number) => `{"i":${i}}`) => ({
      topicMessages: [
        { topic, messages: Array.from({ length: n }, (_, k) => ({ value: value(from + k) })) },
      ],
      acks: -1,
    });
    // The broker refuses a record batch over message.max.bytes (1 MiB): MESSAGE_TOO_LARGE.
    const sends = [
      p.sendBatch(batch(0, 100)),
      p.sendBatch(batch(100, 1, () => 'x'.repeat(2 * 1024 * 1024))),
      p.sendBatch(batch(101, 100)),
    ];
    const [first, second, third] = await Promise.allSettled(sends);
    expect(first?.status).toBe('fulfilled');
    expect(second?.status).toBe('rejected');
    expect((second as PromiseRejectedResult).reason.message).toMatch(
      /larger than the max message size/,
    );
    expect((third as PromiseRejectedResult).reason.message).toMatch(
      /^not sent, an earlier send failed/,
    );
    // Once nothing is queued, sends work again.
    await p.sendBatch(batch(1_000, 10));
    const seen = await readTopic(topic, 110, { timeoutMs: 8_000 });
    const ids = [...seen.values()].flat().map((m) => JSON.parse(m.value!.toString()).i as number);
    expect(ids).toEqual([
      ...Array.from({ length: 100 }, (_, i) => i),
      ...Array.from({ length: 10 }, (_, i) => 1_000 + i),
    ]);
  });

  it('an unreachable broker fails connect with the connection error; a stopped thread refuses sends', async () => {
    const down = kafkaConfig(
      { brokers: ['127.0.0.1:1'] },
      { clientId: 'pipekit-test', secrets: envSecrets, retry, logger },
    );
    const p = new ProducerThread({ ...down, retry: { retries: 0 } }, {}, logger);
    await expect(p.connect()).rejects.toThrow(/ECONNREFUSED|Connection error/);
    await p.disconnect();
    await expect(p.sendBatch({ topicMessages: [] })).rejects.toThrow(/not connected/);
  });
});
