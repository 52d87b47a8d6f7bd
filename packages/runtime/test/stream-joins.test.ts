import { every, pipeline, source } from '@pipekit/core';
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
import { VirtualClock } from './helpers.js';

const Click = z.object({ user: z.string(), page: z.string(), ts: z.coerce.date() });
const User = z.object({ user: z.string(), country: z.string(), page: z.string() });
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

/** A bounded table the test can change, read `batchSize` rows a batch; counts its full reads. */
class Table implements SourceReader {
  reads = 0;
  constructor(
    public rows: Row[],
    private readonly batchSize: number,
  ) {}
  initialOffset() {
    this.reads++;
    return 0;
  }
  planBatch(start: unknown) {
    const from = start as number;
    return from < this.rows.length ? Math.min(this.rows.length, from + this.batchSize) : null;
  }
  readBatch(start: unknown, end: unknown) {
    return { rows: this.rows.slice(start as number, end as number) };
  }
  commit(): void {}
  isExhausted(offset: unknown): boolean {
    return (offset as number) >= this.rows.length;
  }
  close(): void {}
}

/** Kafka sources are feeds by topic; memory sources read the given table. */
function connectors(topics: string[], table?: Table) {
  const byTopic = new Map(topics.map((t) => [t, new Feed()]));
  const registry = registerBuiltins(new ConnectorRegistry())
    .registerSource('kafka', (spec) => byTopic.get(spec.topic!)!)
    .registerSource('memory', () => table!);
  return { registry, feed: (t: string) => byTopic.get(t)! };
}

const clicks = () =>
  source.kafka({ brokers: ['localhost:9092'], topic: 'clicks', schema: Click, name: 'clicks' });
const users = () => source.memory({ schema: User, rows: [], name: 'users' });

function progress() {
  const reports: QueryProgress[] = [];
  return { listener: { onProgress: (p: QueryProgress) => reports.push(p) }, reports };
}

const issuesOf = (f: () => unknown): string[] => {
  try {
    f();
  } catch (e) {
    return (e as { issues: { message: string }[] }).issues.map((i) => i.message);
  }
  return [];
};

describe('stream–static (lookup) joins', () => {
  it('lookup join: the whole static side is loaded before the first stream batch, rows shaped as the plan schema', async () => {
    const table = new Table(
      [
        { user: 'a', country: 'NL', page: 'home' },
        { user: 'b', country: 'FR', page: 'cart' },
        { user: 'a', country: 'DE', page: 'x' },
      ],
      1,
    );
    const { registry, feed } = connectors(['clicks'], table);
    const clock = new VirtualClock();
    const build = (type: 'inner' | 'left', name: string) =>
      clicks()
        .join(users(), { on: 'user', type, lookup: true })
        .sink.memory({ name, trigger: every('1 second') });
    const run = runPipeline(pipeline('lookup', [build('inner', 'inner'), build('left', 'left')]), {
      connectors: registry,
      scheduler: clock.scheduler,
    });
    feed('clicks').push({ user: 'a', page: 'p1', ts: at(1) }, { user: 'c', page: 'p2', ts: at(2) });
    await clock.advance(0);
    expect(run.memory.get('inner')).toEqual([
      { user: 'a', page: 'p1', ts: at(1), country: 'NL', page_right: 'home' },
      { user: 'a', page: 'p1', ts: at(1), country: 'DE', page_right: 'x' },
    ]);
    const left = run.memory.get('left');
    expect(left).toEqual([
      { user: 'a', page: 'p1', ts: at(1), country: 'NL', page_right: 'home' },
      { user: 'a', page: 'p1', ts: at(1), country: 'DE', page_right: 'x' },
      { user: 'c', page: 'p2', ts: at(2), country: null, page_right: null },
    ]);
    // Exactly the columns of the join node's schema, in its order.
    const compiled = compilePlan(build('left', 'left'));
    const joinNode = compiled.plan.nodes.find((n) => n.kind === 'join')!;
    const fields = compiled.info.get(joinNode.id)!.schema!.fields.map((f) => f.name);
    for (const r of left!) expect(Object.keys(r)).toEqual(fields);
    feed('clicks').push({ user: 'b', page: 'p3', ts: at(3) });
    await clock.advance(1000);
    expect(run.memory.get('inner')!.at(-1)).toEqual({
      user: 'b',
      page: 'p3',
      ts: at(3),
      country: 'FR',
      page_right: 'cart',
    });
    // Loaded once per query (no refresh), not once per batch.
    expect(table.reads).toBeLessThanOrEqual(4);
    run.stop();
    await clock.advance(1000);
    await run.result;
  });
});
