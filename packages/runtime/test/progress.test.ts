import { count, every, gen, source, tumbling } from '@pipekit/core';
import { describe, expect, it } from 'vitest';
import {
  FallingBehindWatch,
  JsonLinesMetrics,
  progressJson,
  progressText,
  type QueryProgress,
  runPipeline,
  type SourceProgress,
} from '../src/index.js';
import { memoryLogger, progressLog, textSink, VirtualClock } from './helpers.js';

const source1: SourceProgress = {
  id: 'generate_1',
  name: 'clicks',
  description: 'generate 200000 rows/s',
  numInputRows: 20_000,
  inputRowsPerSecond: 20_000,
  processedRowsPerSecond: 2_000_000,
  backlogRows: 180_000,
  limitedBy: 'batchSize',
};

/** A record as any engine could report it (here: by hand). */
function record(batchId: number, over: Partial<QueryProgress> = {}): QueryProgress {
  return {
    pipeline: 'behind',
    queryId: 'behind',
    batchId,
    timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, batchId)).toISOString(),
    durationMs: 10,
    triggerIntervalMs: 1000,
    numInputRows: 20_000,
    inputRowsPerSecond: 20_000,
    processedRowsPerSecond: 2_000_000,
    bufferedRows: 0,
    sources: [{ ...source1, backlogRows: 180_000 * (batchId + 1) }],
    eventTime: {
      max: '2026-01-01T00:00:00.000Z',
      watermark: '2025-12-31T23:59:55.000Z',
      lagMs: 12_000,
      watermarkDelayMs: 5_000,
    },
    nodes: [],
    ...over,
  };
}

describe('progress renderers (pure functions of the record)', () => {
  it('the TTY line: rows and time against the trigger, input vs processed rate, backlog and its limit, lags', () => {
    expect(progressText(record(3))).toBe(
      'behind: batch 3 | 20.0k rows in 10.0 ms of 1.0 s | in 20.0k/s, done 2.0M/s | waiting 720.0k (batchSize) | lag 12 s, watermark −5.0 s | written 0',
    );
    expect(progressText(record(0, { triggerIntervalMs: null, eventTime: null, sources: [] }))).toBe(
      'behind: batch 0 | 20.0k rows in 10.0 ms | in 20.0k/s, done 2.0M/s | written 0',
    );
  });

  it('the JSON line carries the same fields', () => {
    const line = JSON.parse(progressJson(record(1))) as Record<string, unknown>;
    expect(line).toMatchObject({
      type: 'progress',
      triggerIntervalMs: 1000,
      inputRowsPerSecond: 20_000,
      processedRowsPerSecond: 2_000_000,
      eventTime: { lagMs: 12_000, watermarkDelayMs: 5_000 },
      sources: [{ name: 'clicks', backlogRows: 360_000, limitedBy: 'batchSize' }],
    });
  });
});

describe('JSON progress off a terminal', () => {
  it('at most one line a period per query, the first one period after the start', () => {
    let now = 0;
    const out = textSink();
    const periodic = new JsonLinesMetrics(out.stream, 30_000, () => now);
    for (let i = 0; i < 100; i++) {
      periodic.onProgress(record(i));
      now += 1_000;
    }
    const ids = out
      .text()
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { batchId: number }).batchId);
    expect(ids).toEqual([30, 60, 90]);
  });
});

describe('FallingBehindWatch', () => {
  it('warns once, naming the option, when a capped source’s backlog grows batch after batch', () => {
    const watch = new FallingBehindWatch();
    const said = [0, 1, 2, 3, 4, 5].flatMap((i) => watch.check(record(i)));
    expect(said).toEqual([
      {
        about: 'clicks',
        text: 'falls behind its trigger: it takes at most 20.0k rows a batch (batchSize) every 1.0 s, 20.0k rows/s, while rows arrive at 200.0k rows/s; 720.0k rows wait and event time falls further behind each batch. Raise batchSize (or shorten the trigger interval)',
      },
    ]);
  });

  it('says nothing while the backlog shrinks (a bounded source catching up) or without a trigger interval', () => {
    const watch = new FallingBehindWatch();
    const shrinking = [0, 1, 2, 3, 4].map((i) =>
      record(i, { sources: [{ ...source1, backlogRows: 1_000_000 - i * 20_000 }] }),
    );
    expect(shrinking.flatMap((r) => watch.check(r))).toEqual([]);
    const noInterval = [0, 1, 2, 3, 4].map((i) => record(i, { triggerIntervalMs: null }));
    expect(noInterval.flatMap((r) => new FallingBehindWatch().check(r))).toEqual([]);
  });

  it('warns once when batches take longer than the trigger interval', () => {
    const watch = new FallingBehindWatch();
    const slow = [0, 1, 2, 3].map((i) =>
      record(i, {
        durationMs: 1_400,
        sources: [{ ...source1, backlogRows: null, limitedBy: null }],
      }),
    );
    expect(slow.flatMap((r) => watch.check(r))).toEqual([
      {
        about: 'behind',
        text: 'falls behind its trigger: batches take 1.4 s, longer than the trigger interval of 1.0 s (2.0M rows/s processed). Lengthen the interval, or make batches smaller or cheaper',
      },
    ]);
  });
});

describe('the local runtime’s progress', () => {
  it('a rate source that outruns its trigger: input vs processed rates, backlog, lag, one warning', async () => {
    const t0 = Date.UTC(2026, 0, 1);
    const clock = new VirtualClock(t0);
    // Event time starts 10 s before the clock, so the watermark (max − 5 s) is past its start.
    const start = new Date(t0 - 10_000).toISOString();
    const p = source
      .generate({
        seed: 1,
        rowsPerSecond: 1_000,
        batchSize: 100,
        columns: { user: gen.key('u', 3), ts: gen.eventTime({ start }) },
      })
      .as('clicks')
      .watermark('ts', '5 seconds')
      .window(tumbling('10 seconds'))
      .groupBy('user')
      .aggregate({ n: count() })
      .sink.memory({ name: 'out', trigger: every('1 second') });
    const { listener, reports } = progressLog();
    const { logger, records } = memoryLogger('warn');
    const run = runPipeline(p, { scheduler: clock.scheduler, metrics: [listener], logger });
    for (let i = 0; i < 6; i++) await clock.advance(1_000);
    run.stop();
    await clock.advance(1_000);
    await run.result;
    const last = reports.at(-1)!;
    expect(last.triggerIntervalMs).toBe(1_000);
    expect(last.sources).toEqual([
      expect.objectContaining({
        id: 'generate_1',
        name: 'clicks',
        numInputRows: 100,
        inputRowsPerSecond: 100,
        limitedBy: 'batchSize',
      }),
    ]);
    // 1,000 rows/s arrive, 100 a second are taken: 900 more wait after each batch.
    const backlogs = reports.map((r) => r.sources[0]!.backlogRows!);
    for (let i = 1; i < backlogs.length; i++) expect(backlogs[i]! - backlogs[i - 1]!).toBe(900);
    // Event time advances 1 ms a row, the clock 1 s a batch of 100 rows: the lag grows 900 ms a batch.
    const batchEnd = Date.parse(last.timestamp); // virtual time: a batch takes no time
    expect(last.eventTime?.lagMs).toBe(batchEnd - Date.parse(last.eventTime!.max!));
    const lags = reports.map((r) => r.eventTime!.lagMs!);
    for (let i = 2; i < lags.length; i++) expect(lags[i]! - lags[i - 1]!).toBe(900);
    expect(last.eventTime?.watermarkDelayMs).toBe(5_000);
    const warnings = records.filter((r) => String(r.msg).startsWith('falls behind'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ node: 'clicks' });
    expect(String(warnings[0]!.msg)).toContain('(batchSize) every 1.0 s');
    expect(String(warnings[0]!.msg)).toContain('while rows arrive at 1,000 rows/s');
  });
});
