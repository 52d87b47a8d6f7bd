import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  it('lookup refresh: the static side is re-read every refresh of processing time and swapped between batches', async () => {
    const table = new Table([{ user: 'a', country: 'NL', page: 'home' }], 10);
    const { registry, feed } = connectors(['clicks'], table);
    const clock = new VirtualClock();
    const run = runPipeline(
      clicks()
        .join(users(), { on: 'user', type: 'left', lookup: { refresh: '5 seconds' } })
        .select('user', 'page', 'country')
        .sink.memory({ name: 'out', trigger: every('1 second') }),
      { connectors: registry, scheduler: clock.scheduler },
    );
    const countries: unknown[] = [];
    for (let s = 0; s < 7; s++) {
      if (s === 3) table.rows = [{ user: 'a', country: 'BE', page: 'home' }];
      feed('clicks').push({ user: 'a', page: `p${s}`, ts: at(s) });
      await clock.advance(s === 0 ? 0 : 1000);
      countries.push(run.memory.get('out')!.at(-1)!.country);
    }
    // Loaded at 0 s; the change at 3 s is seen from the batch at 5 s on, never half-way.
    expect(countries).toEqual(['NL', 'NL', 'NL', 'NL', 'NL', 'BE', 'BE']);
    run.stop();
    await clock.advance(1000);
    await run.result;
  });

  it('refuses right and full outer joins with a static side, a static left side, and a bounded right side without lookup', () => {
    const plan = (type: 'right' | 'full') =>
      clicks().join(users(), { on: 'user', type, lookup: true }).sink.memory({ name: 'out' });
    expect(issuesOf(() => compilePlan(plan('right')))).toEqual([
      expect.stringContaining('a right outer join of a stream with a static side is not possible'),
    ]);
    expect(issuesOf(() => compilePlan(plan('full')))[0]).toContain('full outer join');
    expect(
      issuesOf(() =>
        compilePlan(
          users().join(clicks(), { on: 'user', lookup: true }).sink.memory({ name: 'o' }),
        ),
      )[0],
    ).toContain('the stream on the left');
    expect(
      issuesOf(() =>
        compilePlan(clicks().join(users(), { on: 'user' }).sink.memory({ name: 'o' })),
      )[0],
    ).toContain('must mark that input as static');
  });
});

const Imp = z.object({ user: z.string(), ad: z.string(), ts: z.coerce.date() });
const lefts = () =>
  source
    .kafka({ brokers: ['localhost:9092'], topic: 'left', schema: Click, name: 'lefts' })
    .watermark('ts', 0);
const rights = () =>
  source
    .kafka({ brokers: ['localhost:9092'], topic: 'right', schema: Imp, name: 'rights' })
    .watermark('ts', 0);
const intervalPipeline = () =>
  pipeline('interval', [
    lefts()
      .join(rights(), { on: 'user', within: '5 seconds' })
      .sink.memory({ name: 'inner', trigger: every('1 second') }),
    lefts()
      .join(rights(), { on: 'user', type: 'left', within: '5 seconds' })
      .sink.memory({ name: 'left', trigger: every('1 second') }),
  ]);

describe('stream–stream interval joins', () => {
  it('interval join: pairs within the bound once each, across batches; state evicted by the watermarks; left outer emits unmatched rows when evicted', async () => {
    const { registry, feed } = connectors(['left', 'right']);
    const clock = new VirtualClock();
    const p = progress();
    const run = runPipeline(intervalPipeline(), {
      connectors: registry,
      scheduler: clock.scheduler,
      metrics: [p.listener],
    });
    feed('left').push({ user: 'a', page: 'p1', ts: at(10) });
    feed('right').push({ user: 'a', ad: 'ad1', ts: at(12) }, { user: 'b', ad: 'ad2', ts: at(10) });
    await clock.advance(0);
    const pair = (l: Row, r: Row) => ({ ...l, ad: r.ad, ts_right: r.ts });
    const p1 = { user: 'a', page: 'p1', ts: at(10) };
    const ad1 = { ad: 'ad1', ts: at(12) };
    expect(run.memory.get('inner')).toEqual([pair(p1, ad1)]);
    const p2 = { user: 'b', page: 'p2', ts: at(14) };
    const p3 = { user: 'a', page: 'p3', ts: at(30) };
    const p4 = { user: 'c', page: 'p4', ts: at(11) };
    feed('left').push(p2, p3, p4);
    await clock.advance(1000);
    expect(run.memory.get('inner')).toEqual([pair(p1, ad1), pair(p2, { ad: 'ad2', ts: at(10) })]);
    feed('right').push({ user: 'a', ad: 'ad3', ts: at(31) });
    await clock.advance(1000);
    const inner = [
      pair(p1, ad1),
      pair(p2, { ad: 'ad2', ts: at(10) }),
      pair(p3, { ad: 'ad3', ts: at(31) }),
    ];
    expect(run.memory.get('inner')).toEqual(inner);
    expect(run.memory.get('left')).toEqual(inner);
    // No data, but the watermarks moved (left 30, right 31): rows older than 25 / 26 are evicted,
    // and the left join emits its never-matched row then.
    await clock.advance(1000);
    expect(run.memory.get('inner')).toEqual(inner);
    expect(run.memory.get('left')).toEqual([...inner, { ...p4, ad: null, ts_right: null }]);
    // Left a@30 and right a@31 stay, in each join.
    const state = new Map<string, number>();
    for (const r of p.reports)
      for (const n of r.nodes) if (n.kind === 'join') state.set(n.id, n.stateRows);
    expect([...state.values()]).toEqual([2, 2]);
    run.stop();
    await clock.advance(1000);
    await run.result;
  });

  it('interval join state: snapshot as JSON (Dates as epoch ms) and restore goes on as if never stopped', () => {
    const joinOf = () => {
      const c = compilePlan(intervalPipeline());
      const q = c.queries[0]!;
      return [...q.joins.values()].find((j) => q.stateful.includes(j))!;
    };
    const a = joinOf();
    expect(a.process([{ user: 'a', page: 'p1', ts: at(10) }], [], false)).toEqual([]);
    a.process([], [{ user: 'b', ad: 'x', ts: at(3) }], false);
    expect(a.stateEntries()).toBe(2);
    const json = JSON.parse(JSON.stringify(a.snapshotState()));
    expect(JSON.stringify(json)).toContain(String(at(10).getTime()));
    const b = joinOf();
    b.restoreState(json);
    expect(b.stateEntries()).toBe(2);
    const more: [Row[], Row[]] = [
      [{ user: 'b', page: 'p2', ts: at(5) }],
      [{ user: 'a', ad: 'y', ts: at(14) }],
    ];
    const out = b.process(more[0], more[1], false);
    expect(out).toEqual(a.process(more[0], more[1], false));
    expect(out).toEqual([
      { user: 'b', page: 'p2', ts: at(5), ad: 'x', ts_right: at(3) },
      { user: 'a', page: 'p1', ts: at(10), ad: 'y', ts_right: at(14) },
    ]);
  });

  it('refuses stream–stream joins without within, without a watermark on a side, or right/full outer', () => {
    const bare = source.kafka({ brokers: ['localhost:9092'], topic: 'right', schema: Imp });
    expect(
      issuesOf(() =>
        compilePlan(lefts().join(rights(), { on: 'user' }).sink.memory({ name: 'o' })),
      )[0],
    ).toContain('needs a time bound');
    expect(
      issuesOf(() =>
        compilePlan(
          lefts().join(bare, { on: 'user', within: '5 seconds' }).sink.memory({ name: 'o' }),
        ),
      ),
    ).toEqual([expect.stringContaining('the right side of stream–stream join')]);
    expect(
      issuesOf(() =>
        compilePlan(
          lefts()
            .join(rights(), { on: 'user', type: 'full', within: '5 seconds' })
            .sink.memory({ name: 'o' }),
        ),
      ),
    ).toEqual(['not supported yet: full outer stream–stream joins']);
  });

  it('checkpoints: a restarted query resumes interval-join state and reloads its lookup side', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pipekit-joins-'));
    const table = new Table([{ user: 'a', country: 'NL', page: 'home' }], 1);
    const { registry, feed } = connectors(['left', 'right'], table);
    const plan = () =>
      pipeline('ck', [
        lefts()
          .join(rights(), { on: 'user', within: '5 seconds' })
          .sink.memory({ name: 'ij', trigger: every('1 second'), checkpoint: join(dir, 'a') }),
        source
          .kafka({ brokers: ['localhost:9092'], topic: 'left', schema: Click })
          .join(users(), { on: 'user', lookup: true })
          .select('user', 'country')
          .sink.memory({ name: 'lk', trigger: every('1 second'), checkpoint: join(dir, 'b') }),
      ]);
    const runOnce = async (push: () => void) => {
      const clock = new VirtualClock();
      const p = progress();
      const run = runPipeline(plan(), {
        connectors: registry,
        scheduler: clock.scheduler,
        metrics: [p.listener],
      });
      push();
      // Checkpoint files are real I/O: wait (boundedly) until both queries have run a batch.
      for (let i = 0; i < 200 && new Set(p.reports.map((r) => r.queryId)).size < 2; i++) {
        await clock.advance(0);
        await new Promise((r) => setTimeout(r, 5));
      }
      run.stop();
      await clock.advance(1000);
      await run.result;
      return run.memory;
    };
    const first = await runOnce(() => feed('left').push({ user: 'a', page: 'p1', ts: at(10) }));
    expect(first.get('ij')).toEqual([]);
    expect(first.get('lk')).toEqual([{ user: 'a', country: 'NL' }]);
    const second = await runOnce(() => {
      feed('right').push({ user: 'a', ad: 'ad1', ts: at(12) });
      feed('left').push({ user: 'a', page: 'p2', ts: at(40) });
    });
    // The left row of the first run was restored from the checkpoint and matches now.
    expect(second.get('ij')).toEqual([
      { user: 'a', page: 'p1', ts: at(10), ad: 'ad1', ts_right: at(12) },
    ]);
    expect(second.get('lk')).toEqual([{ user: 'a', country: 'NL' }]);
  });
});
