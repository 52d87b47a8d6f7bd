import { every, source } from '@pipekit/core';
import { describe, expect, it } from 'vitest';
import { rowsBy, timeOfRow } from '../src/connectors/generate-source.js';
import { runPipeline } from '../src/index.js';
import { progressLog, VirtualClock } from './helpers.js';

describe('source.rate (Spark rate source semantics)', () => {
  it('ramps the rate up linearly over rampUpTime, then holds rowsPerSecond', async () => {
    const clock = new VirtualClock();
    const p = source
      .rate({ rowsPerSecond: 100, rampUpTime: '2 seconds' })
      .sink.memory({ name: 'out', trigger: every('1 second') });
    expect(p.plan.nodes[0]).toMatchObject({
      kind: 'source',
      source: { type: 'generate', rowsPerSecond: 100, rampUpTime: 2_000 },
      schema: { fields: [{ name: 'timestamp' }, { name: 'value' }] },
    });
    const { listener, reports } = progressLog();
    const run = runPipeline(p, { scheduler: clock.scheduler, metrics: [listener] });
    await clock.advance(0);
    for (let s = 0; s < 4; s++) await clock.advance(1_000);
    // Rows by t: 100·t²/(2·2) while ramping (25 at 1 s, 100 at 2 s), then 100 a second.
    expect(reports.map((r) => r.numInputRows)).toEqual([25, 75, 100, 100]);
    expect(run.memory.get('out').map((r) => r.value)).toEqual(
      Array.from({ length: 300 }, (_x, i) => i),
    );
    run.stop();
    await run.result;
  });

  it('defaults to one row a second; rampUpTime needs a rate', () => {
    expect(source.rate().node.op).toMatchObject({
      kind: 'source',
      source: { rowsPerSecond: 1 },
    });
    expect(() => source.generate({ rampUpTime: '1 second' })).toThrow(
      /rampUpTime needs rowsPerSecond/,
    );
  });

  it('timeOfRow inverts rowsBy', () => {
    for (const n of [1, 10, 99, 100, 101, 1_000])
      expect(rowsBy(timeOfRow(n, 100, 2_000) + 1e-6, 100, 2_000)).toBe(n);
  });
});
