import { join } from 'node:path';
import type { Pipeline } from '@pipekit/core';
import { DeltaTable } from '@pipekit/delta';
import { type Row, runPipeline } from '@pipekit/runtime';
import { describe, expect, it } from 'vitest';
import { createTopic, produce, uniqueTopic } from '../../packages/kafka/test/helpers.ts';
import { connectors, logger, outputOf, workDir } from './helpers.js';

const dir = workDir('kafka-to-delta');
const topic = uniqueTopic('user-events');

const t0 = Date.UTC(2026, 10, 1, 12, 0, 0);
const users = ['ann', 'bob', 'cyd', 'dee'];
interface Event {
  userId: string;
  eventType: 'view' | 'purchase';
  amount: number;
  eventTime: string;
}
/** Events every 3 s from `from` (minutes after 12:00): views, and amounts from -2.75 up. */
function events(from: number, minutes: number): Event[] {
  return Array.from({ length: minutes * 20 }, (_, i) => ({
    userId: users[i % 4]!,
    eventType: i % 3 === 0 ? 'view' : 'purchase',
    amount: (i % 40) - 2.75,
    eventTime: new Date(t0 + from * 60_000 + i * 3_000).toISOString(),
  }));
}

/** Purchases and revenue per user and 10-minute window, for windows that end by `watermark`. */
function expectedWindows(input: readonly Event[], watermark: number) {
  const out = new Map<string, { purchases: number; revenue: number }>();
  for (const e of input) {
    if (e.eventType !== 'purchase' || e.amount <= 0) continue;
    const start = Math.floor(Date.parse(e.eventTime) / 600_000) * 600_000;
    if (start + 600_000 > watermark) continue;
    const key = `${e.userId}@${new Date(start).toISOString()}`;
    const w = out.get(key) ?? { purchases: 0, revenue: 0 };
    w.purchases++;
    w.revenue += e.amount;
    out.set(key, w);
  }
  return out;
}

function windowsOf(rows: readonly Row[]) {
  return new Map(
    rows.map((r) => {
      const start = r.window_start as Date;
      expect((r.window_end as Date).getTime() - start.getTime()).toBe(600_000);
      return [
        `${String(r.userId)}@${start.toISOString()}`,
        { purchases: Number(r.purchases), revenue: Number(r.revenue) },
      ];
    }),
  );
}

const table = join(dir, 'data', 'revenue');
const readTable = () =>
  DeltaTable.open(table).then(
    (t) => t.read(),
    () => [] as Row[], // not created yet
  );

describe('examples/kafka-to-delta.pipeline.ts runs against the real broker', () => {
  it('writes each closed 10-minute window once to Delta, as the watermark passes it', async () => {
    await createTopic(topic, 3);
    const first = events(0, 60); // 12:00:00 .. 12:59:57: watermark 12:44:57
    await produce(
      topic,
      first.map((e) => ({ key: e.userId, value: JSON.stringify(e) })),
    );

    process.env.WORK_DIR = dir;
    process.env.KAFKA_TOPIC = topic;
    const { default: revenue } = (await import('../kafka-to-delta.pipeline.ts')) as {
      default: Pipeline;
    };
    const stop = new AbortController();
    const run = runPipeline(revenue, { connectors: connectors(), logger, signal: stop.signal });
    const waitFor = outputOf(run);
    try {
      // Windows up to 12:40 are closed: 4 windows of 4 users.
      const closed = expectedWindows(first, Date.parse('2026-11-01T12:44:57Z'));
      expect(closed.size).toBe(16);
      let rows = await waitFor(readTable, (r) => r.length >= closed.size, { ms: 60_000 });
      expect(windowsOf(rows)).toEqual(closed);

      // Later events move the watermark to 13:14:57; a purchase at 12:05 comes too late for its
      // window, which was written already: it is dropped, not written as a second row.
      const second = events(60, 30);
      const late: Event = {
        userId: 'ann',
        eventType: 'purchase',
        amount: 1_000,
        eventTime: '2026-11-01T12:05:00.000Z',
      };
      await produce(
        topic,
        [late, ...second].map((e) => ({ key: e.userId, value: JSON.stringify(e) })),
      );
      const all = expectedWindows([...first, ...second], Date.parse('2026-11-01T13:14:57Z'));
      expect(all.size).toBe(28);
      rows = await waitFor(readTable, (r) => r.length >= all.size, { ms: 60_000 });
      expect(rows).toHaveLength(all.size);
      expect(windowsOf(rows)).toEqual(all);
    } finally {
      stop.abort();
    }
    expect((await run.result).stoppedBy).toBe('stopped');
  });
});
