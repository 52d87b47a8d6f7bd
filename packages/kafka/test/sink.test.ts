import { source } from '@pipekit/core';
import { defaultConnectors, type Row, runPipeline } from '@pipekit/runtime';
import { Kafka, logLevel } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { registerConnectors } from '../src/index.js';
import { KafkaWriter, transactionalIdOf } from '../src/sink.js';
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

const kafkaSink = (topic: string, extra: Record<string, unknown> = {}) => ({
  type: 'kafka' as const,
  brokers,
  topic,
  compression: 'none' as const,
  idempotent: true,
  ...extra,
});

const open: KafkaWriter[] = [];
function writer(
  spec: ReturnType<typeof kafkaSink>,
  queryId: string,
  transactional: boolean,
): KafkaWriter {
  const w = new KafkaWriter(spec, sinkContext(queryId), { client: client(), retry, transactional });
  open.push(w);
  return w;
}
afterEach(async () => {
  for (const w of open.splice(0)) await w.close();
});

const rowsOf = (from: number, to: number): Row[] =>
  Array.from({ length: to - from }, (_, k) => ({
    id: from + k,
    key: `k${(from + k) % 7}`,
    payload: 'x'.repeat(60),
  }));

describe('KafkaWriter against a real broker', () => {
  it('round trip of 100k records: keyed, gzip, headers; read back by the pipeline in order per partition', async () => {
    const topic = uniqueTopic('rt');
    await createTopic(topic, 4);
    const w = writer(
      kafkaSink(topic, { key: 'key', headers: ['key'], compression: 'gzip' }),
      'rt',
      false,
    );
    const total = 100_000;
    for (let b = 0; b < 5; b++) {
      const rows = rowsOf(b * 20_000, (b + 1) * 20_000).map((r) => ({ ...r, seq: r.id }));
      await w.writeBatch({ queryId: 'rt', batchId: b, rows, schema: null });
    }

    const Rec = z.object({ id: z.number(), key: z.string(), seq: z.number() });
    const p = source
      .kafka({
        brokers,
        topic,
        startingOffsets: 'earliest',
        endingOffsets: 'latest',
        maxOffsetsPerTrigger: 30_000,
        schema: Rec,
        includeColumns: ['partition', 'headers'],
      })
      .sink.memory({ name: 'out' });
    const connectors = defaultConnectors();
    registerConnectors(connectors);
    const run = runPipeline(p, { connectors, logger });
    const result = await run.result;
    const out = run.memory.get('out');
    expect(out).toHaveLength(total);
    expect(result.queries[0]!.batches).toBeGreaterThanOrEqual(4);
    expect(new Set(out.map((r) => r.id)).size).toBe(total);
    // Every key in one partition, its records in the order written.
    const partitionOfKey = new Map<string, number>();
    const lastSeq = new Map<string, number>();
    for (const r of out) {
      const k = r.key as string;
      expect(partitionOfKey.get(k) ?? r.partition).toBe(r.partition);
      partitionOfKey.set(k, r.partition as number);
      expect(r.seq as number).toBeGreaterThan(lastSeq.get(k) ?? -1);
      lastSeq.set(k, r.seq as number);
      expect((r.headers as Record<string, string>).key).toBe(k);
    }
    expect(new Set(partitionOfKey.values()).size).toBeGreaterThan(1);
  });

  it('transactional: a crash between batches and a zombie transaction leave no visible duplicate for read_committed', async () => {
    const topic = uniqueTopic('tx');
    await createTopic(topic, 2);
    const spec = kafkaSink(topic, { key: 'key' });
    const queryId = `q-${topic}`;

    const a = writer(spec, queryId, true);
    await a.writeBatch({ queryId, batchId: 0, rows: rowsOf(0, 100), schema: null });
    await a.writeBatch({ queryId, batchId: 1, rows: rowsOf(100, 200), schema: null });
    await a.close();

    // The run dies mid-batch 2: its producer had sent batch 2's records and never committed.
    const zombie = new Kafka({ brokers, logLevel: logLevel.NOTHING }).producer({
      transactionalId: transactionalIdOf(queryId, 'sink'),
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await zombie.connect();
    const tx = await zombie.transaction();
    await tx.send({
      topic,
      messages: rowsOf(200, 250).map((r) => ({ key: String(r.key), value: JSON.stringify(r) })),
    });

    // The restarted run did not record batch 1 as done: it replays batch 1, then batch 2.
    const b = writer(spec, queryId, true);
    await b.writeBatch({ queryId, batchId: 1, rows: rowsOf(100, 200), schema: null });
    await b.writeBatch({ queryId, batchId: 2, rows: rowsOf(200, 300), schema: null });
    await b.writeBatch({ queryId, batchId: 3, rows: rowsOf(300, 400), schema: null });
    await zombie.disconnect().catch(() => {});

    // Read for a while past 400, so a duplicate written late would be seen too.
    const committed = [...(await readTopic(topic, 401, { timeoutMs: 4_000 })).values()].flat();
    const ids = committed
      .map((m) => (JSON.parse(String(m.value)) as { id: number }).id)
      .sort((x, y) => x - y);
    expect(ids).toEqual(Array.from({ length: 400 }, (_, i) => i));

    // The test can fail: read_uncommitted sees the zombie's aborted records as well.
    const dirty = [
      ...(await readTopic(topic, 450, { timeoutMs: 15_000, readUncommitted: true })).values(),
    ].flat();
    expect(dirty.length).toBe(450);
  });

  it('non-transactional: valueColumns, no key; a replay writes again (at least once)', async () => {
    const topic = uniqueTopic('plain');
    await createTopic(topic, 1);
    const w = writer(kafkaSink(topic, { valueColumns: ['id'] }), 'plain', false);
    await w.writeBatch({ queryId: 'plain', batchId: 0, rows: rowsOf(0, 3), schema: null });
    await w.writeBatch({ queryId: 'plain', batchId: 0, rows: rowsOf(0, 3), schema: null });
    const got = (await readTopic(topic, 6)).get(0)!;
    expect(got.map((m) => String(m.value))).toEqual([
      '{"id":0}',
      '{"id":1}',
      '{"id":2}',
      '{"id":0}',
      '{"id":1}',
      '{"id":2}',
    ]);
    expect(got.every((m) => m.key === null)).toBe(true);
  });
});
