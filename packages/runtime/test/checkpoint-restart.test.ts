import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { availableNow, count, PipekitError, pipeline, source } from '@pipekit/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkpointLayout } from '../src/checkpoint/index.js';
import {
  defaultConnectors,
  MemoryStore,
  PipelineFailure,
  type QueryProgress,
  type RunnablePipeline,
  runPipeline,
  type SinkFactory,
} from '../src/index.js';
import { progressLog } from './helpers.js';

const tmp = (name: string) => mkdtempSync(join(tmpdir(), `pipekit-ck-${name}-`));
const Row = z.object({ id: z.int(), ts: z.coerce.date() });
const inputRows = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ id: i, ts: new Date(Date.UTC(2026, 0, 1, 0, 0, i)) }));

/** Rows 0..n-1, five a batch, doubled into `twice`, to a memory sink and files, checkpointed. */
function numbers(dir: string, n = 50): RunnablePipeline {
  const s = source
    .memory({ schema: Row, rows: inputRows(n), batchSize: 5 })
    .filter((r) => r.id.gte(0))
    .withColumn('twice', (r) => r.id.times(2));
  return pipeline('numbers', [
    s.sink.memory({ name: 'out', trigger: availableNow(), checkpoint: join(dir, 'ck') }),
    s.sink.file({ path: join(dir, 'files'), format: 'jsonl', trigger: availableNow() }),
  ]);
}

/** Stops a run once it has finished `k` batches (the batch in flight completes). */
function stopAfter(k: number) {
  const controller = new AbortController();
  const reports: QueryProgress[] = [];
  const listener = {
    onProgress: (p: QueryProgress) => {
      reports.push(p);
      if (reports.length === k) controller.abort();
    },
  };
  return { signal: controller.signal, listener, reports };
}

/** The rows of every part file in a directory, in file name order. */
function fileRows(dir: string): Record<string, unknown>[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.startsWith('part-'))
    .sort()
    .flatMap((f) =>
      readFileSync(join(dir, f), 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    );
}

describe('checkpoints: stop and restart', () => {
  it('a clean stop and a restart give the output of an uninterrupted run', async () => {
    const whole = tmp('whole');
    const uninterrupted = runPipeline(numbers(whole));
    expect((await uninterrupted.result).stoppedBy).toBe('completed');
    const expected = uninterrupted.memory.get('out');
    expect(expected).toHaveLength(50);

    const dir = tmp('restart');
    const first = stopAfter(3);
    const run1 = runPipeline(numbers(dir), { signal: first.signal, metrics: [first.listener] });
    const r1 = await run1.result;
    expect(r1).toMatchObject({ stoppedBy: 'stopped', queries: [{ batches: 3 }] });
    expect(run1.memory.get('out')).toHaveLength(15);
    expect(readdirSync(checkpointLayout(join(dir, 'ck')).commitsDir).sort()).toEqual([
      '0',
      '1',
      '2',
    ]);

    // A new process: a new memory store; the checkpoint says where to go on.
    const { listener, reports } = progressLog();
    const run2 = runPipeline(numbers(dir), { metrics: [listener] });
    expect((await run2.result).queries).toEqual([
      { id: 'numbers.0', batches: 7, stoppedBy: 'completed' },
    ]);
    expect(reports.map((r) => r.batchId)).toEqual([3, 4, 5, 6, 7, 8, 9]);
    expect([...run1.memory.get('out'), ...run2.memory.get('out')]).toEqual(expected);
    expect(fileRows(join(dir, 'files'))).toEqual(fileRows(join(whole, 'files')));

    // Run again: the query completed, so nothing is read or written.
    const again = runPipeline(numbers(dir));
    expect((await again.result).queries[0]).toMatchObject({ batches: 0, stoppedBy: 'completed' });
    expect(again.memory.get('out')).toEqual([]);
    expect(fileRows(join(dir, 'files'))).toHaveLength(50);
  });

  it('a crash between the offsets and the commit replays the batch; sinks that have it write nothing twice', async () => {
    const dir = tmp('crash');
    const ck = checkpointLayout(join(dir, 'ck'));
    // The file sink writes batch 4, then the process "dies" before the commit.
    const crashing = defaultConnectors();
    const fileSink = crashing.sink('file');
    const dying: SinkFactory<'file'> = async (spec, ctx) => {
      const w = await fileSink(spec, ctx);
      return {
        writeBatch: async (b) => {
          await w.writeBatch(b);
          if (b.batchId === 4) throw new Error('power cut');
        },
        close: () => w.close(),
      };
    };
    crashing.registerSink('file', dying);
    // A memory store that outlives the process, as a table would.
    const memory = new MemoryStore();
    const run1 = runPipeline(numbers(dir), { connectors: crashing, memory });
    await expect(run1.result).rejects.toBeInstanceOf(PipelineFailure);
    expect(existsSync(join(ck.offsetsDir, '4'))).toBe(true);
    expect(existsSync(join(ck.commitsDir, '4'))).toBe(false);
    expect(memory.get('out')).toHaveLength(25); // batch 4 is in both sinks already
    const files = join(dir, 'files');
    expect(fileRows(files)).toHaveLength(25);
    const part4 = readdirSync(files).find((f) => f.startsWith('part-00004-'))!;
    const written = statSync(join(files, part4)).mtimeMs;

    const { listener, reports } = progressLog();
    const run2 = runPipeline(numbers(dir), { memory, metrics: [listener] });
    expect((await run2.result).stoppedBy).toBe('completed');
    expect(reports[0]).toMatchObject({ batchId: 4, numInputRows: 5 }); // the replay, same range
    const ids = (rows: readonly Record<string, unknown>[]) => rows.map((r) => r.id);
    const all = Array.from({ length: 50 }, (_, i) => i);
    expect(ids(memory.get('out'))).toEqual(all);
    expect(ids(fileRows(files))).toEqual(all);
    expect(statSync(join(files, part4)).mtimeMs).toBe(written); // skipped, not rewritten
  });

  it('a watched directory: files that arrive between runs are read once, whatever their names', async () => {
    const dir = tmp('watch');
    const input = join(dir, 'in');
    mkdirSync(input);
    const put = (name: string, ids: number[]) =>
      writeFileSync(
        join(input, name),
        ids.map((id) => `${JSON.stringify({ id, ts: '2026-01-01T00:00:00Z' })}\n`).join(''),
      );
    put('b.jsonl', [1, 2]);
    put('c.jsonl', [3]);
    const p = () =>
      source
        .file({ path: input, format: 'jsonl', watch: true, maxFilesPerTrigger: 1, schema: Row })
        .sink.memory({ name: 'out', trigger: availableNow(), checkpoint: join(dir, 'ck') });
    const run1 = runPipeline(p());
    await run1.result;
    expect(run1.memory.get('out').map((r) => r.id)).toEqual([1, 2, 3]);
    // A file whose name sorts first arrives while the query is down.
    put('a.jsonl', [0]);
    const run2 = runPipeline(p());
    await run2.result;
    expect(run2.memory.get('out').map((r) => r.id)).toEqual([0]);
    const offsets = readdirSync(checkpointLayout(join(dir, 'ck')).offsetsDir).sort();
    const last = JSON.parse(
      readFileSync(
        join(checkpointLayout(join(dir, 'ck')).offsetsDir, offsets.at(-1)!),
        'utf8',
      ).split('\n')[0]!,
    ) as { sources: Record<string, { start: unknown; end: unknown }> };
    expect(Object.values(last.sources)[0]).toEqual({
      start: ['b.jsonl', 'c.jsonl'],
      end: ['a.jsonl', 'b.jsonl', 'c.jsonl'],
    });
  });

  it('a query holding state that is not checkpointed refuses to resume in the middle', async () => {
    const dir = tmp('unsaved');
    // A bounded input: the aggregate keeps its groups in memory until the input ends.
    const totals = () =>
      source
        .memory({ schema: Row, rows: inputRows(20), batchSize: 5 })
        .groupBy()
        .aggregate({ n: count() })
        .sink.memory({ name: 'n', trigger: availableNow(), checkpoint: join(dir, 'ck') });
    const first = stopAfter(2);
    await runPipeline(totals(), { signal: first.signal, metrics: [first.listener] }).result;
    const e = await runPipeline(totals()).result.catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PipekitError);
    expect((e as PipekitError).message).toContain(join(dir, 'ck'));
    expect((e as PipekitError).issues[0]).toMatchObject({ path: ['aggregate_1'] });
    // Run to its end from scratch, the checkpoint then resumes nothing: no second result.
    const fresh = join(dir, 'ck2');
    const once = () =>
      source
        .memory({ schema: Row, rows: inputRows(20), batchSize: 5 })
        .groupBy()
        .aggregate({ n: count() })
        .sink.memory({ name: 'n', trigger: availableNow(), checkpoint: fresh });
    const done = runPipeline(once());
    await done.result;
    expect(done.memory.get('n')).toEqual([{ n: 20 }]);
    const again = runPipeline(once());
    expect((await again.result).queries[0]).toMatchObject({ batches: 0 });
    expect(again.memory.get('n')).toEqual([]);
  });

  it('checkpoint options that cannot work are refused before anything runs', async () => {
    const dir = tmp('options');
    const s = source.memory({ schema: Row, rows: inputRows(3) });
    const two = pipeline('two-dirs', [
      s.sink.memory({ name: 'a', trigger: availableNow(), checkpoint: join(dir, 'a') }),
      s.sink.memory({ name: 'b', trigger: availableNow(), checkpoint: join(dir, 'b') }),
    ]);
    const e = await runPipeline(two).result.catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PipekitError);
    expect((e as PipekitError).issues[0]).toMatchObject({ path: ['nodes', 2, 'checkpoint'] });

    const shared = join(dir, 'shared');
    await runPipeline(
      s.sink.memory({ name: 'a', trigger: availableNow(), checkpoint: shared, queryName: 'one' }),
    ).result;
    const other = await runPipeline(
      s.sink.memory({ name: 'a', trigger: availableNow(), checkpoint: shared, queryName: 'two' }),
    ).result.catch((x: unknown) => x);
    expect(other).toBeInstanceOf(PipekitError);
    expect((other as Error).message).toContain(join(shared, 'metadata'));
    expect((other as Error).message).toContain("written by query 'one'");
  });
});
