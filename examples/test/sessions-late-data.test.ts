import { existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Pipeline } from '@pipekit/core';
import { DeltaTable } from '@pipekit/delta';
import { type Row, runPipeline } from '@pipekit/runtime';
import { describe, expect, it } from 'vitest';
import { connectors, logger, outputOf, readFiles, workDir } from './helpers.js';

const dir = workDir('sessions');
const incoming = join(dir, 'data', 'incoming', 'page-views');
const lateDir = join(dir, 'data', 'late-page-views');

interface View {
  userId: string;
  page: string;
  durationMs: number;
  ts: string;
}
const view = (userId: string, page: string, durationMs: number, hhmm: string): View => ({
  userId,
  page,
  durationMs,
  ts: `2026-11-01T${hhmm}:00.000Z`,
});

/** Moves a whole JSON-lines file into the watched directory, as the example asks. */
function drop(name: string, rows: readonly View[]): void {
  const tmp = join(incoming, `.${name}.tmp`);
  writeFileSync(tmp, rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
  renameSync(tmp, join(incoming, name));
}

const readSessions = () =>
  DeltaTable.open(join(dir, 'data', 'sessions')).then(
    (t) => t.read(),
    () => [] as Row[], // not created yet
  );
const readLate = async () =>
  existsSync(lateDir) && readdirSync(lateDir).some((f) => f.startsWith('part-'))
    ? readFiles(lateDir, 'jsonl')
    : [];

describe('examples/sessions-late-data.pipeline.ts runs', () => {
  it('writes closed sessions to Delta and views that come after their session closed to the late files', async () => {
    mkdirSync(incoming, { recursive: true });
    process.env.WORK_DIR = dir;
    const { default: sessions } = (await import('../sessions-late-data.pipeline.ts')) as {
      default: Pipeline;
    };
    const stop = new AbortController();
    const run = runPipeline(sessions, { connectors: connectors(), logger, signal: stop.signal });
    const waitFor = outputOf(run);
    let stored: Row[];
    let late: Row[];
    try {
      // ann: one session 10:00-10:40 (gaps under 30 minutes), closed at 11:10; bob: 10:02-10:10.
      drop('views-1.jsonl', [
        view('ann', '/home', 1_200, '10:00'),
        view('bob', '/home', 800, '10:02'),
        view('ann', '/search', 5_400, '10:05'),
        view('bob', '/blog', 9_000, '10:10'),
        view('ann', '/product', 3_000, '10:20'),
        view('ann', '/cart', 2_500, '10:40'),
      ]);
      // cyd at 12:00 moves the watermark to 11:55 (5 minutes behind): both sessions are closed.
      drop('views-2.jsonl', [view('cyd', '/home', 700, '12:00')]);
      stored = await waitFor(readSessions, (r) => r.length >= 2, { ms: 60_000 });
      expect(stored).toHaveLength(2);

      // A view of ann at 10:30 now: behind the watermark, its session written already. And bob
      // again at 11:58: on time, a new session (open until the watermark passes 12:28).
      drop('views-3.jsonl', [
        view('ann', '/late', 4_000, '10:30'),
        view('bob', '/pricing', 1_500, '11:58'),
      ]);
      late = await waitFor(readLate, (r) => r.length >= 1, { ms: 60_000 });
    } finally {
      stop.abort();
    }
    expect((await run.result).stoppedBy).toBe('stopped');

    const sessionsOut = (await readSessions())
      .map((r) => ({
        userId: r.userId,
        start: (r.window_start as Date).toISOString(),
        end: (r.window_end as Date).toISOString(),
        views: Number(r.views),
        entry: r.entry,
        exit: r.exit,
        longestView: Number(r.longestView),
      }))
      .sort((a, b) => String(a.userId).localeCompare(String(b.userId)));
    // Session window: from the first view to 30 minutes after the last one.
    expect(sessionsOut).toEqual([
      {
        userId: 'ann',
        start: '2026-11-01T10:00:00.000Z',
        end: '2026-11-01T11:10:00.000Z',
        views: 4,
        entry: '/home',
        exit: '/cart',
        longestView: 5_400,
      },
      {
        userId: 'bob',
        start: '2026-11-01T10:02:00.000Z',
        end: '2026-11-01T10:40:00.000Z',
        views: 2,
        entry: '/home',
        exit: '/blog',
        longestView: 9_000,
      },
    ]);
    expect(
      late.map((r) => ({
        ...r,
        ts: r.ts instanceof Date ? r.ts.toISOString() : r.ts,
      })),
    ).toEqual([{ ...view('ann', '/late', 4_000, '10:30'), reason: 'late' }]);
  });
});
