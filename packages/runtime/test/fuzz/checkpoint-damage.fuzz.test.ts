import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { availableNow, count, max, source, sum, tumbling } from '@pipekit/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fuzzParameters } from '../../../core/test/fuzz/fuzz-settings.js';
import { type QueryProgress, type Row, runPipeline } from '../../src/index.js';

/**
 * A checkpoint (metadata, offsets, commits, operator state) with one file truncated or one bit
 * flipped: the restarted query either stops with a "damaged checkpoint file" error naming that
 * file before writing anything, or (when the damage left the content intact, e.g. only the
 * trailing newline cut) gives exactly the output of an uninterrupted run.
 */

const Event = z.object({ user: z.string(), amount: z.number(), ts: z.coerce.date() });

/** Ten files of six events, one micro-batch each (a watched directory: state is checkpointed). */
function writeInput(dir: string): void {
  mkdirSync(dir);
  for (let f = 0; f < 10; f++) {
    const lines = Array.from({ length: 6 }, (_, j) => {
      const i = f * 6 + j;
      const ts = new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString();
      return `${JSON.stringify({ user: i % 3 === 0 ? 'b' : 'a', amount: i, ts })}\n`;
    });
    writeFileSync(join(dir, `events-${f}.jsonl`), lines.join(''));
  }
}

const windowed = (checkpoint: string) =>
  source
    .file({ path: input, format: 'jsonl', watch: true, maxFilesPerTrigger: 1, schema: Event })
    .watermark('ts', '5 seconds')
    .window(tumbling('10 seconds'))
    .groupBy('user')
    .aggregate({ n: count(), total: sum('amount'), last: max('ts') })
    .sink.memory({ name: 'windows', outputMode: 'append', trigger: availableNow(), checkpoint });

const key = (r: Row) => `${(r.window_start as Date).toISOString()} ${String(r.user)}`;
const sorted = (rows: readonly Row[]) => [...rows].sort((a, b) => key(a).localeCompare(key(b)));

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
}

let work: string;
let input: string;
let stopped: string;
let expected: readonly Row[];
let firstRun: readonly Row[];
let files: string[];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'pipekit-fuzz-ck-'));
  input = join(work, 'in');
  writeInput(input);
  const whole = runPipeline(windowed(join(work, 'whole')));
  await whole.result;
  expected = sorted(whole.memory.get('windows'));
  // Stopped after 4 of 10 batches: state holds open windows, offsets and commits exist.
  stopped = join(work, 'stopped');
  const controller = new AbortController();
  let batches = 0;
  const run = runPipeline(windowed(stopped), {
    signal: controller.signal,
    metrics: [{ onProgress: (_p: QueryProgress) => ++batches === 4 && controller.abort() }],
  });
  await run.result;
  firstRun = run.memory.get('windows');
  files = filesUnder(stopped).map((f) => relative(stopped, f));
  expect(files.some((f) => f.startsWith('state'))).toBe(true);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const damage = fc.record({
  file: fc.nat(),
  how: fc.constantFrom('truncate', 'flip'),
  at: fc.nat(),
  bit: fc.nat(7),
});

let n = 0;

describe('damaged checkpoint files', () => {
  it('are refused with an error naming the file, or (content intact) change nothing', async () => {
    await fc.assert(
      fc.asyncProperty(damage, async ({ file, how, at, bit }) => {
        const dir = join(work, `case-${n++}`);
        cpSync(stopped, dir, { recursive: true });
        const target = join(dir, files[file % files.length] as string);
        const bytes = readFileSync(target);
        const i = at % bytes.length;
        if (how === 'truncate') writeFileSync(target, bytes.subarray(0, i));
        else {
          bytes[i] = (bytes[i] as number) ^ (1 << bit);
          writeFileSync(target, bytes);
        }
        const run = runPipeline(windowed(dir));
        const outcome = await run.result.then(
          () => null,
          (e: unknown) => e as Error,
        );
        if (outcome !== null) {
          expect(outcome.message).toContain('damaged checkpoint file');
          expect(outcome.message).toContain(target);
          expect(run.memory.get('windows')).toEqual([]);
        } else {
          expect(sorted([...firstRun, ...run.memory.get('windows')])).toEqual(expected);
        }
        rmSync(dir, { recursive: true, force: true });
      }),
      fuzzParameters(40),
    );
  });
});
