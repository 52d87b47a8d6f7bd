import { describe, expect, it } from 'vitest';
import { count, gen, type Plan, source, tumbling } from '../../src/index.js';

const events = () =>
  source
    .generate({ columns: { k: gen.key('k', 3), ts: gen.eventTime(), at: gen.eventTime() } })
    .watermark('ts', '5 seconds');
const sinkOf = (plan: Plan) => plan.nodes.find((n) => n.kind === 'sink');

// The stream's kind (what its sinks may take) follows Spark's rule for append, as its type does:
// the watermark must be on the window's column, or among the keys of an unwindowed aggregation.
describe('output mode by default on a stream', () => {
  it('appends an aggregation whose window is on the watermark', () => {
    const plan = events()
      .window(tumbling('1 minute'))
      .aggregate({ n: count() })
      .sink.memory({ name: 'm' }).plan;
    expect(sinkOf(plan)).toMatchObject({ outputMode: 'append' });
  });

  it('appends an unwindowed aggregation keyed by the watermark column', () => {
    const plan = events()
      .groupBy('k', 'ts')
      .aggregate({ n: count() })
      .sink.memory({ name: 'm' }).plan;
    expect(sinkOf(plan)).toMatchObject({ outputMode: 'append' });
  });

  it('writes complete when the watermark finalizes nothing (it is not among the keys)', () => {
    const plan = events().groupBy('k').aggregate({ n: count() }).sink.memory({ name: 'm' }).plan;
    expect(sinkOf(plan)).toMatchObject({ outputMode: 'complete' });
  });

  it('writes complete when the window is on another column (in code the compiler cannot check)', () => {
    const other = { column: 'at' } as never;
    const plan = events()
      .window(tumbling('1 minute'), other)
      .aggregate({ n: count() })
      .sink.memory({ name: 'm' }).plan;
    expect(sinkOf(plan)).toMatchObject({ outputMode: 'complete' });
  });
});

describe('a sink no output mode fits, on a stream', () => {
  it('is refused when built, with the rule and the fix', () => {
    const perKey = events().groupBy('k').aggregate({ n: count() });
    expect(() => perKey.sink.file({ path: '/tmp/never-written', format: 'jsonl' })).toThrow(
      ".sink.file(...) cannot take outputMode 'update'\noutputMode: a file sink takes append, and an aggregation without a watermark on its window or keys cannot append on a stream (its results change) (add .watermark(column, delay) before the aggregation and window or group by that column, or write to a sink that takes update or complete)",
    );
  });
});
