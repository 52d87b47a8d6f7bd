import { availableNow, gen, source } from '@pipekit/core';
import { describe, expect, it } from 'vitest';
import { runPipeline } from '../src/index.js';
import { progressLog, VirtualClock } from './helpers.js';

describe('availableNow on a bounded generate source with a rate', () => {
  it('reads the whole limit in whole batches, waiting for the rate, then completes', async () => {
    const clock = new VirtualClock();
    const p = source
      .generate({
        seed: 1,
        limit: 250,
        batchSize: 100,
        rowsPerSecond: 50,
        columns: { n: gen.sequence() },
      })
      .sink.memory({ name: 'out', trigger: availableNow() });
    const { listener, reports } = progressLog();
    const run = runPipeline(p, { scheduler: clock.scheduler, metrics: [listener] });
    await clock.advance(1_000);
    expect(reports).toHaveLength(0); // 50 rows exist: not a whole batch yet
    await clock.advance(1_000);
    expect(reports.map((r) => r.numInputRows)).toEqual([100]);
    await clock.advance(3_000);
    const result = await run.result;
    expect(reports.map((r) => r.numInputRows)).toEqual([100, 100, 50]);
    expect(result.stoppedBy).toBe('completed');
    expect(run.memory.get('out').map((r) => r.n)).toEqual(Array.from({ length: 250 }, (_, i) => i));
  });

  it('a stop during the wait takes the rows that exist by then and ends the run as stopped', async () => {
    const clock = new VirtualClock();
    const p = source
      .generate({
        seed: 1,
        limit: 1_000,
        batchSize: 100,
        rowsPerSecond: 50,
        columns: { n: gen.sequence() },
      })
      .sink.memory({ name: 'out', trigger: availableNow() });
    const run = runPipeline(p, { scheduler: clock.scheduler });
    await clock.advance(2_500);
    run.stop();
    await clock.advance(0);
    const result = await run.result;
    expect(result.stoppedBy).toBe('stopped');
    // 100 rows in the first batch; then the stop cut the wait at 2.5 s, when 125 rows existed.
    expect(run.memory.get('out')).toHaveLength(125);
  });
});
