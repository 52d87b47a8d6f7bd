import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  count,
  gen,
  PipekitError,
  type Plan,
  parsePlan,
  session,
  source,
  tumbling,
} from '../../src/index.js';

const windowed = (): Plan =>
  source
    .memory({ schema: z.object({ k: z.string(), ts: z.date() }) })
    .watermark('ts', '10 seconds')
    .window(tumbling('1 minute'))
    .groupBy('k')
    .aggregate({ n: count() })
    .sink.console().plan;

/** A mutable deep copy to corrupt. */
const copy = (p: Plan) =>
  JSON.parse(JSON.stringify(p)) as { nodes: Record<string, unknown>[] } & Record<string, unknown>;

function issuesOf(json: unknown): string {
  try {
    parsePlan(json, 'plan.json');
  } catch (e) {
    if (e instanceof PipekitError) return e.message;
    throw e;
  }
  throw new Error('expected parsePlan to fail');
}

describe('parsePlan', () => {
  it('accepts what the builders make', () => {
    const plan = windowed();
    expect(parsePlan(JSON.parse(JSON.stringify(plan)))).toEqual(plan);
  });

  it('points at a bad window size', () => {
    const bad = copy(windowed());
    (bad.nodes[2] as { window: { size: number } }).window.size = -5;
    expect(issuesOf(bad)).toMatch(
      /^plan\.json: this is not a valid plan\nnodes\[2\]\.window\.size: .*positive/,
    );
  });

  it('points at a bad duration string', () => {
    const bad = copy(windowed());
    (bad.nodes[1] as { delay: unknown }).delay = '10 lightyears';
    expect(issuesOf(bad)).toContain(
      "nodes[1].delay: '10 lightyears' is not a duration: unknown unit 'lightyears'",
    );
  });

  it('points at an unknown node kind and an unknown key', () => {
    const bad = copy(windowed());
    (bad.nodes[0] as { kind: string }).kind = 'teleport';
    expect(issuesOf(bad)).toContain('nodes[0].kind');
    const extra = copy(windowed());
    (extra.nodes[3] as Record<string, unknown>).colour = 'red';
    expect(issuesOf(extra)).toContain("nodes[3]: unknown key 'colour'");
  });

  it('refuses a wrong version, a dangling input and an unknown column', () => {
    const v = copy(windowed());
    v.version = 2;
    expect(issuesOf(v)).toContain('version');
    const dangling = copy(windowed());
    (dangling.nodes[3] as { input: string }).input = 'ghost';
    expect(issuesOf(dangling)).toContain(
      "nodes[3]: reads from 'ghost', which is not a node before it",
    );
    const column = copy(windowed());
    (column.nodes[2] as { keys: string[] }).keys = ['kk'];
    expect(issuesOf(column)).toContain("nodes[2].keys[0]: unknown column 'kk'");
  });

  it('refuses output modes Spark refuses for streams', () => {
    const stream = source.generate({}).withColumn('k', (r) => r.value.mod(10));
    const plan = copy(stream.groupBy('k').aggregate({ n: count() }).sink.console().plan);
    (plan.nodes.at(-1) as { outputMode: string }).outputMode = 'append';
    expect(issuesOf(plan)).toContain('needs a watermark');
  });

  it('refuses update output of session windows on a stream, as Spark does', () => {
    const sessions = () =>
      copy(
        source
          .generate({ columns: { k: gen.key('k', 3), ts: gen.eventTime() } })
          .watermark('ts', '5 seconds')
          .window(session('5 seconds'))
          .groupBy('k')
          .aggregate({ n: count() })
          .sink.memory({ name: 'out', outputMode: 'append' }).plan,
      );
    const update = sessions();
    (update.nodes.at(-1) as { outputMode: string }).outputMode = 'update';
    expect(issuesOf(update)).toMatch(
      /nodes\[3\]\.outputMode: update output of session-window aggregation 'aggregate_1' is not supported/,
    );
    expect(parsePlan(sessions()).nodes).toHaveLength(4);
  });

  it('reports broken JSON as such', () => {
    expect(issuesOf('{"version": 1,')).toMatch(/^plan\.json: this is not JSON/);
  });
});
