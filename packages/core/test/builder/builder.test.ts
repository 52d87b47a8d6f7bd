import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  count,
  deadLetter,
  every,
  explain,
  gen,
  lit,
  PipekitError,
  parsePlan,
  pipeline,
  sinks,
  source,
  sql,
  sum,
  tumbling,
} from '../../src/index.js';

const Event = z.object({ userId: z.string(), amount: z.number(), ts: z.date() });
const events = () =>
  source.memory({ schema: Event, rows: [{ userId: 'a', amount: 1, ts: new Date(0) }] });

function errorOf(f: () => unknown): PipekitError {
  try {
    f();
  } catch (e) {
    if (e instanceof PipekitError) return e;
    throw e;
  }
  throw new Error('expected a PipekitError');
}

describe('builders', () => {
  it('builds a plain-JSON plan with nodes in dependency order', () => {
    const p = events()
      .filter((r) => r.amount.gt(10))
      .withColumn('big', (r) => r.amount.gte(100))
      .sink.memory({ name: 'out' });
    expect(p.plan.nodes.map((n) => n.id)).toEqual([
      'memory_1',
      'filter_1',
      'withColumn_1',
      'sink_1',
    ]);
    expect(JSON.parse(JSON.stringify(p.plan))).toEqual(p.plan);
    expect(p.plan.nodes[1]).toMatchObject({
      kind: 'filter',
      input: 'memory_1',
      predicate: {
        kind: 'binary',
        op: '>',
        left: { kind: 'column', name: 'amount' },
        right: { kind: 'literal', value: 10 },
      },
    });
    expect(Object.isFrozen(p.plan)).toBe(true);
  });

  it('keeps Dates in memory rows as ISO strings', () => {
    const p = events().sink.memory({ name: 'x' });
    const src = p.plan.nodes[0];
    expect(src?.kind === 'source' && src.source.type === 'memory' && src.source.rows[0]?.ts).toBe(
      '1970-01-01T00:00:00.000Z',
    );
  });

  it('gives the same plan for the typed builder and for sql text', () => {
    const typed = events().filter((r) => r.amount.gt(100).and(r.userId.eq('x')));
    const text = events().filter(sql`amount > 100 AND userId = 'x'`);
    expect(text.sink.memory({ name: 'a' }).plan).toEqual(typed.sink.memory({ name: 'a' }).plan);
  });

  it('refuses an unknown column where it is written, naming it', () => {
    const e = errorOf(() => events().filter(sql`amout > 1`));
    expect(e.message).toContain("unknown column 'amout'");
    expect(e.message).toContain('.filter(...)');
    expect(() => events().select('nope' as 'userId')).toThrow(/unknown column 'nope'/);
    expect(() =>
      events()
        .groupBy('userId')
        .aggregate({ s: sum('userId' as 'amount') }),
    ).toThrow(/sum needs a numeric column/);
    expect(() => events().watermark('amount' as 'ts', '1 minute')).toThrow(/not a time/);
  });

  it('names the wrong option of a source or sink', () => {
    expect(() => source.kafka({ brokers: [], topic: 't' })).toThrow(/brokers/);
    const e = errorOf(() => source.kafka({ brokers: ['b:9092'], topic: 't', topics: ['u'] }));
    expect(e.issues[0]).toMatchObject({
      path: ['topic'],
      message: expect.stringContaining('exactly one of topic, topics, topicPattern'),
    });
    expect(() => source.generate({ limit: -1 })).toThrow(/limit/);
    expect(() => events().sink.delta({ path: '/t', partitionby: ['x'] } as never)).toThrow(
      /unknown option 'partitionby'/,
    );
    // Spark takes a zero watermark delay; a negative one, or a zero window, is refused.
    expect(() => events().watermark('ts', '0 seconds')).not.toThrow();
    expect(() => events().watermark('ts', '-1 seconds')).toThrow(/zero or positive/);
    expect(() => events().window(tumbling('0 seconds'), { column: 'ts' })).toThrow(/positive/);
  });

  it('windows a watermarked stream on the watermark column and types the output', () => {
    const p = events()
      .watermark('ts', '10 seconds')
      .window(tumbling('1 minute'))
      .groupBy('userId')
      .aggregate({ n: count(), total: sum('amount') })
      .sink.console();
    const agg = p.plan.nodes.find((n) => n.kind === 'aggregate');
    expect(agg).toMatchObject({
      window: { type: 'tumbling', size: 60_000, column: 'ts' },
      keys: ['userId'],
    });
    const sink = p.plan.nodes.find((n) => n.kind === 'sink');
    expect(sink).toMatchObject({ outputMode: 'append', trigger: { type: 'availableNow' } });
  });

  it('checks streaming output modes as Spark does', () => {
    const stream = source.generate({ columns: { user: gen.key('u', 10), ts: gen.eventTime() } });
    const agg = stream.groupBy('user').aggregate({ n: count() });
    expect(agg.sink.console().plan.nodes.at(-1)).toMatchObject({
      outputMode: 'complete',
      trigger: { type: 'continuous' },
    });
    expect(() => agg.sink.console({ outputMode: 'append' as 'update' })).toThrow(
      /needs a watermark/,
    );
    expect(() => stream.sink.console({ outputMode: 'complete' as 'append' })).toThrow(
      /complete output mode needs an aggregation/,
    );
    expect(() => agg.sink.delta({ path: '/t', outputMode: 'update' as 'complete' })).toThrow(
      /delta takes append, complete/,
    );
  });

  it('fans out to several sinks, reading shared steps once', () => {
    const shared = events()
      .filter((r) => r.amount.gt(0))
      .as('positive');
    const p = pipeline('fan', [shared.sink.console(), shared.sink.memory({ name: 'm' })], {
      late: 'drop',
    });
    expect(p.plan.nodes.filter((n) => n.kind === 'filter')).toHaveLength(1);
    expect(p.plan.nodes.filter((n) => n.kind === 'sink')).toHaveLength(2);
    expect(p.plan.nodes[1]).toMatchObject({ name: 'positive' });
    expect(p.plan.policies).toEqual({ late: { type: 'drop' }, badRecords: { type: 'log' } });
  });

  it('keeps UDFs out of the plan and names them uniquely', () => {
    const double = (r: { amount: number }) => ({ amount: r.amount * 2 });
    const p = events()
      .map(double)
      .map((r) => ({ x: r.amount }), { name: 'double' })
      .sink.memory({ name: 'o' });
    const maps = p.plan.nodes.filter((n) => n.kind === 'map');
    expect(maps.map((m) => m.kind === 'map' && m.udf)).toEqual(['double', 'double_2']);
    expect([...p.udfs.keys()]).toEqual(['double', 'double_2']);
    expect(JSON.stringify(p.plan)).not.toContain('=>');
  });

  it('gives late rows and bad records as side-output streams', () => {
    const src = source.memory({ schema: Event, badRecords: 'sideOutput' });
    const agg = src
      .watermark('ts', '1 minute')
      .window(tumbling('5 minutes'))
      .aggregate({ n: count() }, { late: 'sideOutput' });
    const p = pipeline('side', [
      agg.sink.console(),
      agg.lateRows().sink.memory({ name: 'late' }),
      src.badRecords().sink.memory({ name: 'bad' }),
    ]);
    const sides = p.plan.nodes.filter((n) => n.kind === 'sideOutput');
    expect(sides.map((s) => s.kind === 'sideOutput' && s.output)).toEqual(['late', 'badRecords']);
    expect(() =>
      events()
        .watermark('ts', '1 minute')
        .window(tumbling('1 minute'))
        .aggregate({ n: count() })
        .lateRows(),
    ).toThrow(/late: 'sideOutput'/);
  });

  it('takes a dead-letter sink as a policy', () => {
    const p = pipeline('dlq', [events().sink.console()], {
      badRecords: deadLetter(sinks.file({ path: './dlq', format: 'jsonl' })),
    });
    expect(p.plan.policies.badRecords).toEqual({
      type: 'deadLetter',
      sink: { type: 'file', path: './dlq', format: 'jsonl', partitionBy: [] },
    });
  });

  it('joins and types the joined columns', () => {
    const users = source.memory({ schema: z.object({ userId: z.string(), country: z.string() }) });
    const p = events()
      .join(users, { on: 'userId', type: 'left', lookup: { refresh: '1 hour' } })
      .sink.memory({ name: 'j' });
    expect(p.plan.nodes.find((n) => n.kind === 'join')).toMatchObject({
      left: 'memory_1',
      right: 'memory_2',
      joinType: 'left',
      on: { left: ['userId'], right: ['userId'] },
      lookup: { refresh: 3_600_000 },
    });
  });

  it('round-trips through JSON and parsePlan', () => {
    const p = events()
      .withColumn('tag', lit('x'))
      .watermark('ts', '10 seconds')
      .window(tumbling('1 minute'))
      .groupBy('tag')
      .aggregate({ n: count() })
      .sink.delta({ path: './d', trigger: every('5 seconds'), checkpoint: './c' });
    expect(parsePlan(JSON.stringify(p.plan))).toEqual(p.plan);
  });

  it('draws the plan as a Mermaid flowchart with its policies', () => {
    const text = explain(
      events()
        .filter((r) => r.amount.gt(1))
        .sink.console().plan,
    );
    expect(text).toMatch(/^flowchart LR/);
    expect(text).toContain('late rows → log; bad records → log');
    expect(text).toContain('filter_1["filter amount > 1"]');
    expect(text).toContain('memory_1 --> filter_1');
  });
});

describe('builders, more', () => {
  it('aggregates the whole stream with an empty groupBy', () => {
    const p = events().groupBy().aggregate({ n: count() }).sink.memory({ name: 'total' });
    expect(p.plan.nodes.find((n) => n.kind === 'aggregate')).toMatchObject({
      keys: [],
      aggregates: [{ name: 'n', fn: 'count' }],
    });
  });

  it("gives a map step's refused rows as a side output", () => {
    const parsed = events().map((r) => ({ id: r.userId }), {
      name: 'toId',
      badRecords: 'sideOutput',
    });
    const p = pipeline('udf-side', [
      parsed.sink.console(),
      parsed.badRecords().sink.memory({ name: 'bad' }),
    ]);
    expect(p.plan.nodes.find((n) => n.kind === 'sideOutput')).toMatchObject({
      of: 'map_1',
      output: 'badRecords',
    });
    expect(() =>
      events()
        .map((r) => r)
        .badRecords(),
    ).toThrow(/badRecords: 'sideOutput'/);
  });
});

describe('literals', () => {
  it('match what the SQL parser makes', () => {
    const typed = events().filter((r) =>
      r.amount
        .gt(80.5)
        .and(r.amount.lt(lit.double(100)))
        .and(r.ts.gte(lit.date('2026-01-31'))),
    );
    const text = events().filter(sql`amount > 80.5 AND amount < 100.0 AND ts >= DATE '2026-01-31'`);
    expect(typed.sink.memory({ name: 'a' }).plan).toEqual(text.sink.memory({ name: 'a' }).plan);
    expect(() => lit.date('31/01/2026')).toThrow(/not a date/);
  });
});
