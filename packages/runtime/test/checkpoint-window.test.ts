import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { availableNow, count, max, source, sum, tumbling } from '@pipekit/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkpointLayout } from '../src/checkpoint/index.js';
import { type QueryProgress, type Row, runPipeline } from '../src/index.js';

const Event = z.object({ user: z.string(), amount: z.number(), ts: z.coerce.date() });
const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();

/**
 * Eight files of events, one micro-batch each: 00:00:00 to 00:00:33, a little out of order, with a
 * late row in file 7 (its window closed two batches before).
 */
function inputDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pipekit-ck-window-'));
  mkdirSync(join(dir, 'in'));
  for (let f = 0; f < 8; f++) {
    const rows = [0, 2, 1].map((j) => ({
      user: j === 1 ? 'b' : 'a',
      amount: f * 10 + j,
      ts: at(f * 4 + j),
    }));
    if (f === 7) rows.push({ user: 'a', amount: 1000, ts: at(1) });
    writeFileSync(
      join(dir, 'in', `events-${f}.jsonl`),
      rows.map((r) => `${JSON.stringify(r)}\n`).join(''),
    );
  }
  return dir;
}

/** Watermark 5 s, tumbling 10 s windows per user, appended when the watermark closes them. */
const windowed = (dir: string, checkpoint: string) =>
  source
    .file({
      path: join(dir, 'in'),
      format: 'jsonl',
      watch: true,
      maxFilesPerTrigger: 1,
      schema: Event,
    })
    .watermark('ts', '5 seconds')
    .window(tumbling('10 seconds'))
    .groupBy('user')
    .aggregate({ n: count(), total: sum('amount'), last: max('ts') })
    .sink.memory({ name: 'windows', outputMode: 'append', trigger: availableNow(), checkpoint });

const key = (r: Row) => `${(r.window_start as Date).toISOString()} ${String(r.user)}`;
const sorted = (rows: readonly Row[]) => [...rows].sort((a, b) => key(a).localeCompare(key(b)));

describe('checkpoints: a windowed aggregation stopped and restarted', () => {
  it('gives the same windows as an uninterrupted run', async () => {
    const dir = inputDir();
    const whole = runPipeline(windowed(dir, join(dir, 'ck-whole')));
    await whole.result;
    const expected = whole.memory.get('windows');
    // The last event is at 00:00:30, so the watermark ends at 00:00:25: [0,10) and [10,20) close
    // for a and b; later windows stay open. The late row of file 7 (00:00:01) is dropped.
    expect(sorted(expected).map((r) => [key(r), r.n, r.total])).toEqual([
      [`${at(0)} a`, 5, 0 + 2 + 10 + 12 + 20],
      [`${at(0)} b`, 3, 1 + 11 + 21],
      [`${at(10)} a`, 5, 22 + 30 + 32 + 40 + 42],
      [`${at(10)} b`, 2, 31 + 41],
    ]);

    // Stop after 4 batches (files 0-3: the window [10,20) is open), restart from the checkpoint.
    const controller = new AbortController();
    const reports: QueryProgress[] = [];
    const run1 = runPipeline(windowed(dir, join(dir, 'ck')), {
      signal: controller.signal,
      metrics: [
        {
          onProgress: (p) => {
            reports.push(p);
            if (reports.length === 4) controller.abort();
          },
        },
      ],
    });
    expect((await run1.result).stoppedBy).toBe('stopped');
    const state = readdirSync(checkpointLayout(join(dir, 'ck')).stateBatchDir(3)).sort();
    expect(state.length).toBeGreaterThan(0); // the aggregate's (and watermark's) snapshot
    const run2 = runPipeline(windowed(dir, join(dir, 'ck')));
    expect((await run2.result).stoppedBy).toBe('completed');
    const restarted = [...run1.memory.get('windows'), ...run2.memory.get('windows')];
    expect(sorted(restarted)).toEqual(sorted(expected));
    // The open window [10,20) of user a holds rows from both runs: state survived the restart.
    const w10 = restarted.find((r) => key(r) === `${at(10)} a`);
    expect(w10).toMatchObject({ n: 5 });
  });
});
