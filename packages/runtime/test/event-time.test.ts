import {
  count,
  countDistinct,
  deadLetter,
  every,
  pipeline,
  sinks,
  source,
  sum,
  tumbling,
} from '@pipekit/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ConnectorRegistry,
  compilePlan,
  type QueryProgress,
  type Row,
  registerBuiltins,
  runPipeline,
  type SourceReader,
} from '../src/index.js';
import { WindowAggregate } from '../src/operators/window-aggregate.js';
import { memoryLogger, VirtualClock } from './helpers.js';

const Event = z.object({ user: z.string(), amount: z.number(), ts: z.coerce.date() });
const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));

/** An unbounded source the test feeds: rows pushed become the next batch. */
class Feed implements SourceReader {
  readonly rows: Row[] = [];
  push(...rows: Row[]): void {
    this.rows.push(...rows);
  }
  initialOffset() {
    return 0;
  }
  planBatch(start: unknown) {
    return this.rows.length > (start as number) ? this.rows.length : null;
  }
  readBatch(start: unknown, end: unknown) {
    return { rows: this.rows.slice(start as number, end as number) };
  }
  commit(): void {}
  isExhausted(): boolean {
    return false;
  }
  close(): void {}
}

/** A registry whose `kafka` sources (unbounded) are feeds, by topic. */
function feeds(...topics: string[]) {
  const byTopic = new Map(topics.map((t) => [t, new Feed()]));
  const registry = registerBuiltins(new ConnectorRegistry()).registerSource(
    'kafka',
    (spec) => byTopic.get(spec.topic!)!,
  );
  return { registry, feed: (t: string) => byTopic.get(t)! };
}

const stream = (topic: string) =>
  source.kafka({ brokers: ['localhost:9092'], topic, schema: Event });

function progress() {
  const reports: QueryProgress[] = [];
  return { listener: { onProgress: (p: QueryProgress) => reports.push(p) }, reports };
}

describe('event time on streams (virtual time)', () => {
  it('a processing-time trigger runs a no-data batch when the watermark moved, and only one', async () => {
    const { registry, feed } = feeds('in');
    const clock = new VirtualClock();
    const p = progress();
    const run = runPipeline(
      stream('in')
        .watermark('ts', '5 seconds')
        .window(tumbling('10 seconds'))
        .groupBy('user')
        .aggregate({ n: count(), total: sum('amount') })
        .sink.memory({ name: 'out', outputMode: 'append', trigger: every('1 second') }),
      { connectors: registry, scheduler: clock.scheduler, metrics: [p.listener] },
    );
    feed('in').push(
      { user: 'a', amount: 1, ts: at(1) },
      { user: 'a', amount: 2, ts: at(4) },
      { user: 'b', amount: 5, ts: at(16) },
    );
    await clock.advance(0);
    expect(p.reports).toHaveLength(1);
    expect(run.memory.get('out')).toEqual([]);
    // No new data: the watermark moved to 00:00:11, so one batch runs and closes [0, 10).
    await clock.advance(1000);
    expect(p.reports).toHaveLength(2);
    expect(p.reports[1]).toMatchObject({ batchId: 1, numInputRows: 0 });
    expect(run.memory.get('out')).toEqual([
      { window_start: at(0), window_end: at(10), user: 'a', n: 2, total: 3 },
    ]);
    await clock.advance(5000);
    expect(p.reports).toHaveLength(2);
    run.stop();
    await clock.advance(1000);
    await run.result;
  });

  it('several inputs: the minimum watermark; an idle input stops holding it back', async () => {
    const { registry, feed } = feeds('left', 'right');
    const clock = new VirtualClock();
    const p = progress();
    const left = stream('left').watermark('ts', 0, { idleTimeout: '10 seconds' });
    const right = stream('right').watermark('ts', 0, { idleTimeout: '10 seconds' });
    const run = runPipeline(
      left
        .union(right)
        .window(tumbling('10 seconds'), { column: 'ts' })
        .aggregate({ n: count() })
        .sink.memory({ name: 'out', outputMode: 'append', trigger: every('1 second') }),
      { connectors: registry, scheduler: clock.scheduler, metrics: [p.listener] },
    );
    feed('left').push({ user: 'a', amount: 1, ts: at(30) });
    feed('right').push({ user: 'b', amount: 1, ts: at(5) });
    await clock.advance(0);
    const wm = () => p.reports.at(-1)!.nodes.find((n) => n.kind === 'watermark')!.watermark;
    // Batch 1 runs with min(30, 5) = 00:00:05: [0, 10) stays open.
    feed('left').push({ user: 'a', amount: 1, ts: at(31) });
    await clock.advance(1000);
    expect(wm()).toBe(at(5).toISOString());
    expect(run.memory.get('out')).toEqual([]);
    // Right has had no row for 10 s: it no longer counts, the watermark goes to 31 and closes [0, 10).
    for (let i = 0; i < 10; i++) {
      feed('left').push({ user: 'a', amount: 1, ts: at(31) });
      await clock.advance(1000);
    }
    expect(wm()).toBe(at(31).toISOString());
    expect(run.memory.get('out')).toEqual([{ window_start: at(0), window_end: at(10), n: 1 }]);
    run.stop();
    await clock.advance(1000);
    await run.result;
  });

  it('late rows: counted, dead-lettered with the reason, or a side output any sink takes', async () => {
    const { registry, feed } = feeds('in', 'in2');
    const clock = new VirtualClock();
    const { logger } = memoryLogger();
    const windowed = (topic: string, late: 'sideOutput' | ReturnType<typeof deadLetter>) =>
      stream(topic)
        .watermark('ts', 0)
        .window(tumbling('10 seconds'))
        .groupBy('user')
        .aggregate({ n: count() }, { late });
    const side = windowed('in', 'sideOutput');
    const p = progress();
    const both = pipeline('late', [
      side.sink.memory({ name: 'agg', outputMode: 'update', trigger: every('1 second') }),
      side.lateRows().sink.memory({ name: 'late', trigger: every('1 second') }),
      windowed('in2', deadLetter(sinks.memory({ name: 'dead' }))).sink.memory({
        name: 'agg2',
        outputMode: 'update',
        trigger: every('1 second'),
      }),
    ]);
    const run2 = runPipeline(both, {
      connectors: registry,
      scheduler: clock.scheduler,
      logger,
      metrics: [p.listener],
    });
    for (const t of ['in', 'in2']) feed(t).push({ user: 'a', amount: 1, ts: at(25) });
    await clock.advance(0);
    // The no-data batch that runs with watermark 25 s; after it, [0, 10) is closed.
    await clock.advance(1000);
    for (const t of ['in', 'in2']) feed(t).push({ user: 'a', amount: 2, ts: at(3) });
    await clock.advance(1000);
    run2.stop();
    await clock.advance(1000);
    const result = await run2.result;
    expect(run2.memory.get('late')).toEqual([{ user: 'a', amount: 2, ts: at(3) }]);
    expect(run2.memory.get('dead')).toEqual([
      expect.objectContaining({
        reason: 'late: behind the watermark 2026-01-01T00:00:25.000Z for a closed window',
        record: JSON.stringify({ user: 'a', amount: 2, ts: at(3) }),
      }),
    ]);
    const lateOf = (id: string) => result.nodes.find((n) => n.id === id)!.lateRows;
    const aggs = result.nodes.filter((n) => n.kind === 'aggregate').map((n) => n.id);
    expect(aggs.map(lateOf)).toEqual([1, 1]);
    expect(result.badRecords).toBe(0);
  });

  it('dedupe within the watermark: state evicted by it, late rows dropped and counted', async () => {
    const { registry, feed } = feeds('in');
    const clock = new VirtualClock();
    const p = progress();
    const run = runPipeline(
      stream('in')
        .watermark('ts', '5 seconds')
        .dedupe('user')
        .sink.memory({ name: 'out', trigger: every('1 second') }),
      {
        connectors: registry,
        scheduler: clock.scheduler,
        metrics: [p.listener],
        logger: memoryLogger().logger,
      },
    );
    feed('in').push({ user: 'a', amount: 1, ts: at(1) }, { user: 'a', amount: 2, ts: at(3) });
    await clock.advance(0);
    feed('in').push({ user: 'a', amount: 3, ts: at(5) }, { user: 'b', amount: 4, ts: at(20) });
    await clock.advance(1000);
    const state = () => p.reports.at(-1)!.nodes.find((n) => n.kind === 'dedupe')!;
    // 'a' expires at 1 + 5 s; the watermark is now 15 s: it is forgotten, 'b' is held.
    await clock.advance(1000);
    expect(state().stateRows).toBe(1);
    feed('in').push({ user: 'a', amount: 5, ts: at(18) }, { user: 'c', amount: 6, ts: at(2) });
    await clock.advance(1000);
    expect(run.memory.get('out').map((r) => r.amount)).toEqual([1, 4, 5]);
    expect(state().lateRows).toBe(1);
    run.stop();
    await clock.advance(1000);
    await run.result;
  });

  it('stateTimeout drops unwindowed group state not updated for that long', async () => {
    const { registry, feed } = feeds('in');
    const clock = new VirtualClock();
    const p = progress();
    const run = runPipeline(
      stream('in')
        .groupBy('user')
        .aggregate({ n: count(), amounts: countDistinct('amount') }, { stateTimeout: '3 seconds' })
        .sink.memory({ name: 'out', outputMode: 'update', trigger: every('1 second') }),
      { connectors: registry, scheduler: clock.scheduler, metrics: [p.listener] },
    );
    feed('in').push({ user: 'a', amount: 1, ts: at(1) }, { user: 'b', amount: 1, ts: at(1) });
    await clock.advance(0);
    const agg = () => p.reports.at(-1)!.nodes.find((n) => n.kind === 'aggregate')!;
    expect(agg().stateRows).toBe(2);
    expect(agg().stateBytes).toBeGreaterThan(0);
    for (let i = 0; i < 3; i++) {
      feed('in').push({ user: 'a', amount: 2, ts: at(2) });
      await clock.advance(1000);
    }
    expect(agg().stateRows).toBe(1);
    feed('in').push({ user: 'b', amount: 2, ts: at(2) });
    await clock.advance(1000);
    expect(run.memory.get('out').at(-1)).toEqual({ user: 'b', n: 1, amounts: 1 });
    run.stop();
    await clock.advance(1000);
    await run.result;
  });
});

describe('state for checkpoints', () => {
  it('the compiled query lists its stateful operators, the watermark among them', () => {
    const compiled = compilePlan(
      stream('in')
        .watermark('ts', '5 seconds')
        .window(tumbling('10 seconds'))
        .groupBy('user')
        .aggregate({ n: count() })
        .sink.memory({ name: 'out', outputMode: 'append' }),
    );
    expect(compiled.queries[0]!.stateful.map((s) => s.stateId)).toEqual([
      'watermark_1',
      'aggregate_1',
    ]);
  });

  it('a window aggregate restored from its JSON snapshot goes on as if never stopped', () => {
    const node = compilePlan(
      stream('in')
        .watermark('ts', '5 seconds')
        .window(tumbling('10 seconds'))
        .groupBy('user')
        .aggregate({ n: count(), s: sum('amount'), d: countDistinct('amount') })
        .sink.memory({ name: 'out', outputMode: 'update' }),
    ).plan.nodes.find((n) => n.kind === 'aggregate')!;
    const window = node.kind === 'aggregate' ? node.window : undefined;
    if (node.kind !== 'aggregate' || window?.type !== 'tumbling') throw new Error('shape');
    const wm = { lateWatermark: 0, watermark: 0 };
    const make = () => new WindowAggregate('agg', { ...node, window }, 'update', wm);
    const rows1 = [
      { user: 'a', amount: 1, ts: at(1) },
      { user: 'b', amount: 2, ts: at(12) },
    ];
    const rows2 = [{ user: 'a', amount: 3, ts: at(2) }];
    const straight = make();
    straight.process(rows1);
    const before = make();
    before.process(rows1);
    const restored = make();
    restored.restoreState(JSON.parse(JSON.stringify(before.snapshotState())));
    expect(restored.stateEntries()).toBe(2);
    expect(restored.process(rows2)).toEqual(straight.process(rows2));
  });
});
