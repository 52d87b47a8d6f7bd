import { source } from '@pipekit/core';
import type { Offset, Row, SourceReader } from '@pipekit/runtime';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
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

const Event = z.object({ id: z.number(), user: z.string() });
const open: SourceReader[] = [];

function reader(options: Parameters<typeof source.kafka>[0]): KafkaReader {
  const node = sourceNodeOf(source.kafka(options).sink.memory({ name: 'out' }));
  const r = new KafkaReader(kafkaSpecOf(node), sourceContext(node), { client: client(), retry });
  open.push(r);
  return r;
}

/** Plans and reads batches until there is nothing more (at most `maxBatches`). */
async function drain(
  r: SourceReader,
  start: Offset,
  maxBatches = 50,
): Promise<{ rows: Row[]; ends: Offset[] }> {
  const rows: Row[] = [];
  const ends: Offset[] = [];
  let at = start;
  for (let i = 0; i < maxBatches && !r.isExhausted(at); i++) {
    const end = await r.planBatch(at, {});
    if (end === null) break;
    const res = await r.readBatch(at, end);
    rows.push(...res.rows);
    await r.commit(end);
    ends.push(end);
    at = end;
  }
  return { rows, ends };
}

// 3 partitions × 40 records: id = partition * 1000 + i.
const perPartition = 40;
let topic = '';
beforeAll(async () => {
  topic = uniqueTopic('src');
  await createTopic(topic, 3);
  const messages = [0, 1, 2].flatMap((p) =>
    Array.from({ length: perPartition }, (_, i) => ({
      partition: p,
      key: `k${p}`,
      value: JSON.stringify({ id: p * 1000 + i, user: `u${i % 5}` }),
      headers: { origin: 'test', seq: String(i) },
      timestamp: String(Date.UTC(2026, 0, 1) + i * 1000),
    })),
  );
  await produce(topic, messages);
});

afterEach(async () => {
  for (const r of open.splice(0)) await r.close();
});

describe('KafkaReader against a real broker', () => {
  it('reads from earliest to latest in one batch, partitions in order, with metadata columns', async () => {
    const r = reader({
      brokers,
      topic,
      startingOffsets: 'earliest',
      endingOffsets: 'latest',
      schema: Event,
      includeColumns: ['key', 'headers', 'partition', 'offset', 'timestamp', 'topic'],
    });
    const start = await r.initialOffset();
    expect(start).toEqual({ [topic]: { 0: 0, 1: 0, 2: 0 } });
    const { rows, ends } = await drain(r, start);
    expect(ends).toHaveLength(1);
    expect(rows).toHaveLength(3 * perPartition);
    for (const p of [0, 1, 2]) {
      const ofP = rows.filter((x) => x.partition === p);
      expect(ofP.map((x) => x.id)).toEqual(
        Array.from({ length: perPartition }, (_, i) => p * 1000 + i),
      );
      expect(ofP.map((x) => x.offset)).toEqual(Array.from({ length: perPartition }, (_, i) => i));
    }
    expect(rows[1]).toEqual({
      id: 1,
      user: 'u1',
      key: 'k0',
      headers: { origin: 'test', seq: '1' },
      partition: 0,
      offset: 1,
      timestamp: new Date(Date.UTC(2026, 0, 1) + 1000),
      topic,
    });
    expect(r.isExhausted(ends[0]!)).toBe(true);
  });

  it('stops at per-partition endingOffsets (a bounded read)', async () => {
    const r = reader({
      brokers,
      topic,
      startingOffsets: { [topic]: { 0: 5, 1: -2, 2: -1 } },
      endingOffsets: { [topic]: { 0: 15, 1: 3, 2: -1 } },
      maxOffsetsPerTrigger: 4,
      schema: Event,
      includeColumns: ['partition', 'offset'],
    });
    const start = await r.initialOffset();
    expect(start).toEqual({ [topic]: { 0: 5, 1: 0, 2: perPartition } });
    const { rows, ends } = await drain(r, start);
    // 10 + 3 records, at most 4 a batch.
    expect(rows).toHaveLength(13);
    expect(ends).toHaveLength(4);
    expect(rows.filter((x) => x.partition === 0).map((x) => x.offset)).toEqual([
      5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
    ]);
    expect(rows.filter((x) => x.partition === 1).map((x) => x.offset)).toEqual([0, 1, 2]);
    expect(ends.at(-1)).toEqual({ [topic]: { 0: 15, 1: 3, 2: perPartition } });
    expect(r.isExhausted(ends.at(-1)!)).toBe(true);
    expect(await r.planBatch(ends.at(-1)!, {})).toBeNull();
  });

  it('spreads maxOffsetsPerTrigger over partitions by backlog; allAvailable ignores it', async () => {
    const r = reader({
      brokers,
      topic,
      startingOffsets: 'earliest',
      maxOffsetsPerTrigger: 30,
      schema: Event,
    });
    const start = await r.initialOffset();
    expect(await r.planBatch(start, {})).toEqual({ [topic]: { 0: 10, 1: 10, 2: 10 } });
    expect(await r.planBatch(start, { maxRows: 6 })).toEqual({ [topic]: { 0: 2, 1: 2, 2: 2 } });
    expect(await r.planBatch(start, { allAvailable: true })).toEqual({
      [topic]: { 0: 40, 1: 40, 2: 40 },
    });
  });

  it('a restart resumes at the committed end: nothing lost, nothing twice; a replayed range gives the same rows', async () => {
    const spec = {
      brokers,
      topic,
      startingOffsets: 'earliest' as const,
      maxOffsetsPerTrigger: 25,
      schema: Event,
    };
    const first = reader(spec);
    const start = await first.initialOffset();
    const b1 = (await first.planBatch(start, {}))!;
    const rows1 = (await first.readBatch(start, b1)).rows;
    await first.commit(b1);
    const b2 = (await first.planBatch(b1, {}))!;
    const rows2 = (await first.readBatch(b1, b2)).rows;
    // The same reader reads a range again (the records fetched ahead are past it): same rows.
    expect((await first.readBatch(b1, b2)).rows).toEqual(rows2);
    expect((await first.readBatch(start, b1)).rows).toEqual(rows1);
    // "Crash" after batch 2 was read but before it was committed: the runtime replays b1 → b2.
    await first.close();
    open.splice(open.indexOf(first), 1);

    const second = reader(spec);
    const replay = (await second.readBatch(b1, b2)).rows;
    expect(replay).toEqual(rows2);
    const rest = await drain(second, b2);
    const all = [...rows1, ...rows2, ...rest.rows].map((x) => x.id as number);
    expect(all).toHaveLength(3 * perPartition);
    expect(new Set(all).size).toBe(3 * perPartition);
  });

  it('string and bytes formats; the record timestamp as the event-time column', async () => {
    const s = reader({
      brokers,
      topic,
      format: 'string',
      startingOffsets: { [topic]: { 0: 0, 1: 40, 2: 40 } },
      endingOffsets: { [topic]: { 0: 2, 1: 40, 2: 40 } },
    });
    const sRows = (await drain(s, await s.initialOffset())).rows;
    expect(sRows).toEqual([{ value: '{"id":0,"user":"u0"}' }, { value: '{"id":1,"user":"u1"}' }]);

    const b = reader({
      brokers,
      topic,
      format: 'bytes',
      startingOffsets: { [topic]: { 0: 39, 1: 40, 2: 40 } },
      endingOffsets: 'latest',
    });
    const bRows = (await drain(b, await b.initialOffset())).rows;
    expect(bRows).toHaveLength(1);
    expect(Buffer.from(bRows[0]!.value as Uint8Array).toString()).toBe('{"id":39,"user":"u4"}');

    const t = reader({
      brokers,
      topic,
      schema: z.object({ id: z.number(), eventTime: z.date() }),
      timestampColumn: 'eventTime',
      startingOffsets: { [topic]: { 0: 3, 1: 40, 2: 40 } },
      endingOffsets: { [topic]: { 0: 4, 1: 40, 2: 40 } },
    });
    expect((await drain(t, await t.initialOffset())).rows).toEqual([
      { id: 3, eventTime: new Date(Date.UTC(2026, 0, 1) + 3000) },
    ]);
  });

  it('availableNow fixes the end when asked: records written later are left for the next run', async () => {
    const t = uniqueTopic('avail');
    await createTopic(t, 2);
    await produce(
      t,
      Array.from({ length: 20 }, (_, i) => ({
        partition: i % 2,
        value: JSON.stringify({ id: i, user: 'a' }),
      })),
    );
    const r = reader({
      brokers,
      topic: t,
      startingOffsets: 'earliest',
      schema: Event,
      maxOffsetsPerTrigger: 8,
    });
    const start = await r.initialOffset();
    await r.prepareForAvailableNow();
    await produce(
      t,
      Array.from({ length: 10 }, (_, i) => ({
        partition: 0,
        value: JSON.stringify({ id: 100 + i, user: 'b' }),
      })),
    );
    const { rows, ends } = await drain(r, start);
    expect(rows.map((x) => x.id).sort((a, b) => (a as number) - (b as number))).toEqual(
      Array.from({ length: 20 }, (_, i) => i),
    );
    expect(ends.length).toBe(3);
    // The bound ends this run, not the topic: a stateful query must not see an end of input.
    expect(await r.planBatch(ends.at(-1)!, {})).toBeNull();
    expect(r.isExhausted(ends.at(-1)!)).toBe(false);

    // The next availableNow run, from where this one ended, reads what arrived since.
    const next = reader({
      brokers,
      topic: t,
      startingOffsets: 'earliest',
      schema: Event,
      maxOffsetsPerTrigger: 8,
    });
    await next.prepareForAvailableNow();
    const later = await drain(next, ends.at(-1)!);
    expect(later.rows.map((x) => x.id).sort((a, b) => (a as number) - (b as number))).toEqual(
      Array.from({ length: 10 }, (_, i) => 100 + i),
    );
  });

  it('a topic pattern picks up matching topics, new ones from their earliest offset', async () => {
    const prefix = uniqueTopic('pat');
    await createTopic(`${prefix}.a`, 1);
    await produce(`${prefix}.a`, [{ value: JSON.stringify({ id: 1, user: 'a' }) }]);
    const r = reader({
      brokers,
      topicPattern: `${prefix}\\..*`,
      startingOffsets: 'earliest',
      schema: Event,
      includeColumns: ['topic'],
    });
    const start = await r.initialOffset();
    const e1 = (await r.planBatch(start, {}))!;
    expect((await r.readBatch(start, e1)).rows).toEqual([
      { id: 1, user: 'a', topic: `${prefix}.a` },
    ]);
    await createTopic(`${prefix}.b`, 1);
    await produce(`${prefix}.b`, [
      { value: JSON.stringify({ id: 2, user: 'b' }) },
      { value: JSON.stringify({ id: 3, user: 'b' }) },
    ]);
    const e2 = (await r.planBatch(e1, {}))!;
    expect(e2).toEqual({ [`${prefix}.a`]: { 0: 1 }, [`${prefix}.b`]: { 0: 2 } });
    expect((await r.readBatch(e1, e2)).rows.map((x) => x.id)).toEqual([2, 3]);
  });
});
