import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { availableNow, continuous, every, gen, once, source } from '@pipekit/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { continuousBatchRows, runPipeline } from '../src/index.js';
import { progressLog, VirtualClock } from './helpers.js';

const Row = z.object({ id: z.int(), ts: z.coerce.date() });
const rows = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ id: i, ts: new Date(i * 1000) }));

describe('triggers', () => {
  it('every(interval): one batch per tick of what arrived, on virtual time', async () => {
    const clock = new VirtualClock();
    const p = source
      .generate({ seed: 1, rowsPerSecond: 10, columns: { n: gen.sequence(), ts: gen.eventTime() } })
      .sink.memory({ name: 'out', trigger: every('5 seconds') });
    const { listener, reports } = progressLog();
    const run = runPipeline(p, { scheduler: clock.scheduler, metrics: [listener] });
    await clock.advance(0);
    expect(reports).toHaveLength(0); // nothing had arrived at t=0
    await clock.advance(5_000);
    expect(reports.map((r) => r.numInputRows)).toEqual([50]);
    await clock.advance(4_999);
    expect(reports).toHaveLength(1);
    await clock.advance(1);
    await clock.advance(5_000);
    expect(reports.map((r) => [r.batchId, r.numInputRows])).toEqual([
      [0, 50],
      [1, 50],
      [2, 50],
    ]);
    // Event time advances with the rate: row n is at start + n/10 s.
    const out = run.memory.get('out');
    expect(out.map((r) => r.n)).toEqual(Array.from({ length: 150 }, (_, i) => i));
    expect((out[10]!.ts as Date).toISOString()).toBe('2026-01-01T00:00:01.000Z');
    run.stop();
    const result = await run.result;
    expect(result.stoppedBy).toBe('stopped');
    expect(result.sinks.sink_1).toMatchObject({ rowsWritten: 150, batches: 3 });
  });

  it('once(): one batch of everything, ignoring per-batch limits', async () => {
    const p = source
      .memory({ schema: Row, rows: rows(5), batchSize: 2 })
      .sink.memory({ name: 'out', trigger: once() });
    const { listener, reports } = progressLog();
    const run = runPipeline(p, { metrics: [listener] });
    const result = await run.result;
    expect(reports.map((r) => r.numInputRows)).toEqual([5]);
    expect(result).toMatchObject({ stoppedBy: 'completed', queries: [{ batches: 1 }] });
    expect(run.memory.get('out')[4]).toEqual({ id: 4, ts: new Date(4000) });
  });

  it('availableNow(): drains in batches within the limits, then stops', async () => {
    const p = source
      .memory({ schema: Row, rows: rows(5), batchSize: 2 })
      .sink.memory({ name: 'out', trigger: availableNow() });
    const { listener, reports } = progressLog();
    const run = runPipeline(p, { metrics: [listener] });
    expect((await run.result).stoppedBy).toBe('completed');
    expect(reports.map((r) => r.numInputRows)).toEqual([2, 2, 1]);
    expect(run.memory.get('out')).toHaveLength(5);
  });

  it('availableNow(): on a watched directory takes the files there at the start and stops', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pipekit-watch-'));
    mkdirSync(dir, { recursive: true });
    for (let f = 0; f < 3; f++)
      writeFileSync(
        join(dir, `f${f}.jsonl`),
        `${JSON.stringify({ id: f, ts: '2026-01-01T00:00:00Z' })}\n`,
      );
    const p = source
      .file({ path: dir, format: 'jsonl', watch: true, maxFilesPerTrigger: 1, schema: Row })
      .sink.memory({ name: 'out', trigger: availableNow() });
    const { listener, reports } = progressLog();
    const run = runPipeline(p, { metrics: [listener] });
    expect((await run.result).stoppedBy).toBe('completed');
    expect(reports.map((r) => r.numInputRows)).toEqual([1, 1, 1]);
    expect(run.memory.get('out').map((r) => r.id)).toEqual([0, 1, 2]);
  });

  it('continuous(): small batches as soon as rows arrive, on virtual time', async () => {
    const clock = new VirtualClock();
    const p = source
      .generate({ seed: 2, rowsPerSecond: 2_000, columns: { n: gen.sequence() } })
      .sink.memory({ name: 'out', trigger: continuous() });
    const { listener, reports } = progressLog();
    const run = runPipeline(p, { scheduler: clock.scheduler, metrics: [listener] });
    await clock.advance(25);
    // Rows arrived within the first poll interval are taken at once, not at a later tick.
    expect(reports.length).toBeGreaterThan(0);
    expect(reports.reduce((a, r) => a + r.numInputRows, 0)).toBe(
      Math.floor((clock.now() - (clock.now() % 10)) * 2),
    );
    await clock.advance(3_000);
    const sizes = reports.map((r) => r.numInputRows);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(continuousBatchRows);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(run.memory.get('out').length);
    expect(run.memory.get('out').length).toBeGreaterThanOrEqual(6_000 - 20);
    run.stop();
    await run.result;
  });

  it('a bounded source ends the query under every(interval) too', async () => {
    const clock = new VirtualClock();
    const p = source
      .memory({ schema: Row, rows: rows(3), batchSize: 2 })
      .sink.memory({ name: 'out', trigger: every('1 minute') });
    const run = runPipeline(p, { scheduler: clock.scheduler });
    await clock.advance(0);
    expect(run.memory.get('out')).toHaveLength(2);
    await clock.advance(60_000);
    const result = await run.result;
    expect(result).toMatchObject({ stoppedBy: 'completed', queries: [{ batches: 2 }] });
  });
});
