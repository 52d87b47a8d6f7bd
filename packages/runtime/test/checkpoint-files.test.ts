import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PipekitError } from '@pipekit/core';
import { describe, expect, it } from 'vitest';
import {
  type AtomicWriteSteps,
  checkpointLayout,
  fsSteps,
  makeDirDurable,
  QueryCheckpoint,
  type QueryCheckpointOptions,
  writeFileAtomic,
} from '../src/checkpoint/index.js';
import type { Epoch } from '../src/graph/batch.js';
import type { JsonValue } from '../src/row.js';
import type { Stateful } from '../src/state/stateful.js';

const testDir = dirname(fileURLToPath(import.meta.url));
const tmp = (name: string) => mkdtempSync(join(tmpdir(), `pipekit-${name}-`));

/** A stateful operator holding a counter. */
class Counter implements Stateful {
  n = 0;
  constructor(readonly stateId: string) {}
  snapshotState(): JsonValue {
    return { n: this.n };
  }
  restoreState(snapshot: JsonValue): void {
    this.n = (snapshot as { n: number }).n;
  }
  stateEntries(): number {
    return 1;
  }
}

function options(dir: string, extra: Partial<QueryCheckpointOptions> = {}): QueryCheckpointOptions {
  return {
    dir,
    queryId: 'q',
    pipeline: 'p',
    sources: ['src_1'],
    sinks: ['sink_1'],
    stateful: () => [],
    watermark: () => 0,
    now: Date.UTC(2026, 0, 1),
    ...extra,
  };
}

const epoch = (batchId: number, start: number, end: number | null): Epoch => ({
  batchId,
  final: false,
  time: 1000 * batchId,
  reads: new Map([['src_1', end === null ? null : { start, end }]]),
});

/** Runs batches 0..n-1 of 10 rows each, committing all but `uncommitted`. */
async function runBatches(cp: QueryCheckpoint, n: number, uncommitted?: number, state?: Counter) {
  for (let b = 0; b < n; b++) {
    const e = epoch(b, b * 10, b * 10 + 10);
    await cp.planned(e, new Map([['src_1', b * 10]]));
    if (state) state.n += 10;
    if (b !== uncommitted) await cp.committed(e);
  }
}

async function caught(p: Promise<unknown>): Promise<PipekitError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(PipekitError);
  return e as PipekitError;
}

describe('atomic writes', () => {
  it('a write failing at any step leaves the old file whole and no temporary file', async () => {
    const dir = tmp('atomic');
    const path = join(dir, 'f');
    await writeFileAtomic(path, 'old content');
    const failing: Record<string, AtomicWriteSteps> = {
      write: {
        ...fsSteps,
        writeAndSync: async (p, data) => {
          writeFileSync(p, data.slice(0, 3)); // half written, then the disk fails
          throw new Error('ENOSPC');
        },
      },
      rename: {
        ...fsSteps,
        rename: async () => {
          throw new Error('EIO');
        },
      },
    };
    for (const [step, steps] of Object.entries(failing)) {
      await expect(writeFileAtomic(path, 'new content', steps), step).rejects.toThrow();
      expect(readFileSync(path, 'utf8')).toBe('old content');
      expect(readdirSync(dir)).toEqual(['f']);
    }
    await writeFileAtomic(path, 'new content');
    expect(readFileSync(path, 'utf8')).toBe('new content');
    expect(readdirSync(dir)).toEqual(['f']);
  });

  it('new directories are made durable: the parent of each one created is fsynced', async () => {
    const dir = tmp('durable');
    const synced: string[] = [];
    const steps: AtomicWriteSteps = {
      ...fsSteps,
      syncDir: async (d) => {
        synced.push(d);
      },
    };
    await makeDirDurable(join(dir, 'a', 'b', 'c'), steps);
    expect(synced).toEqual([dir, join(dir, 'a'), join(dir, 'a', 'b')]);
    expect(existsSync(join(dir, 'a', 'b', 'c'))).toBe(true);
    synced.length = 0;
    await makeDirDurable(join(dir, 'a', 'b', 'c'), steps);
    expect(synced).toEqual([]);
  });

  it('kill -9 of a process in the middle of writes leaves a whole file', async () => {
    const dir = tmp('atomic-kill');
    const target = join(dir, 'big.json');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(testDir, 'fixtures', 'atomic-writer.ts'), target],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    // Kill once the writer has replaced the file a few times, so it is in the middle of a write.
    let writes = 0;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the writer did not start in 20 s')), 20_000);
      child.stdout!.on('data', (d: Buffer) => {
        writes += String(d).split('\n').length - 1;
        if (writes >= 3) {
          clearTimeout(timer);
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    const exit = await new Promise<NodeJS.Signals | null>((r) =>
      child.on('close', (_c, s) => r(s)),
    );
    expect(exit).toBe('SIGKILL');
    const value = JSON.parse(readFileSync(target, 'utf8')) as { n: number; pad: string[] };
    expect(value.pad).toHaveLength(value.n % 2 === 0 ? 200_000 : 100_000);
  });
});

describe('checkpoint logs', () => {
  it('lays out metadata, offsets, commits and state per batch, keeping the last N', async () => {
    const dir = tmp('layout');
    const counter = new Counter('agg_1');
    const cp = await QueryCheckpoint.open(
      options(dir, { stateful: () => [counter], retain: 3, watermark: () => 5 }),
    );
    await runBatches(cp, 5, undefined, counter);
    const layout = checkpointLayout(dir);
    expect(readdirSync(layout.offsetsDir).sort()).toEqual(['2', '3', '4']);
    expect(readdirSync(layout.commitsDir).sort()).toEqual(['2', '3', '4']);
    expect(readdirSync(layout.stateDir).sort()).toEqual(['2', '3', '4']);
    expect(JSON.parse(readFileSync(join(layout.offsetsDir, '4'), 'utf8'))).toEqual({
      version: 1,
      batchId: 4,
      time: 4000,
      final: false,
      sources: { src_1: { start: 40, end: 50 } },
      watermark: 5,
    });
    expect(JSON.parse(readFileSync(layout.stateFile(4, 'agg_1'), 'utf8'))).toMatchObject({
      stateId: 'agg_1',
      state: { n: 50 },
    });
    expect(JSON.parse(readFileSync(layout.metadata, 'utf8'))).toMatchObject({
      version: 1,
      queryId: 'q',
      pipeline: 'p',
      sources: ['src_1'],
      createdAt: '2026-01-01T00:00:00.000Z',
    });
  });

  it('resumes after the last commit, restoring state; replays a planned batch without commit', async () => {
    const dir = tmp('recover');
    const counter = new Counter('agg_1');
    await runBatches(await QueryCheckpoint.open(options(dir, { stateful: () => [counter] })), 3);
    const restored = new Counter('agg_1');
    const clean = await (
      await QueryCheckpoint.open(options(dir, { stateful: () => [restored] }))
    ).recover();
    expect(clean).toMatchObject({ nextBatchId: 3, replay: null, completed: false });
    expect(clean.positions.get('src_1')).toBe(30);

    const dir2 = tmp('replay');
    const c2 = new Counter('agg_1');
    await runBatches(await QueryCheckpoint.open(options(dir2, { stateful: () => [c2] })), 4, 3, c2);
    const r2 = new Counter('agg_1');
    const replay = await (
      await QueryCheckpoint.open(options(dir2, { stateful: () => [r2] }))
    ).recover();
    expect(replay.nextBatchId).toBe(3);
    expect(replay.replay).toEqual(epoch(3, 30, 40));
    expect(r2.n).toBe(30); // the state after batch 2, the last committed one
  });

  it('a source with nothing in a batch keeps its position', async () => {
    const dir = tmp('idle');
    const cp = await QueryCheckpoint.open(options(dir));
    await cp.planned(epoch(0, 0, 10), new Map([['src_1', 0]]));
    await cp.committed(epoch(0, 0, 10));
    const idle = epoch(1, 0, null);
    await cp.planned(idle, new Map([['src_1', 10]]));
    await cp.committed(idle);
    const r = await (await QueryCheckpoint.open(options(dir))).recover();
    expect(r.positions.get('src_1')).toBe(10);
  });

  it("a source's starting offset is fixed when the query first runs: a restart before any batch starts there", async () => {
    const dir = tmp('starts');
    const first = await QueryCheckpoint.open(options(dir));
    expect((await first.recover()).positions.size).toBe(0);
    // A start that depends on the moment (LATEST), recorded before the first batch.
    await first.started(new Map([['src_1', { shards: { a: { from: 1_000 } } }]]));
    const again = await QueryCheckpoint.open(options(dir));
    const r = await again.recover();
    expect(r).toMatchObject({ nextBatchId: 0, replay: null });
    expect(r.positions.get('src_1')).toEqual({ shards: { a: { from: 1_000 } } });
    // Only the first start counts; once batches ran, positions come from the offset log.
    await again.started(new Map([['src_1', { shards: { a: { from: 2_000 } } }]]));
    const third = await QueryCheckpoint.open(options(dir));
    expect((await third.recover()).positions.get('src_1')).toEqual({
      shards: { a: { from: 1_000 } },
    });
    await runBatches(third, 1);
    const fourth = await QueryCheckpoint.open(options(dir));
    expect((await fourth.recover()).positions.get('src_1')).toBe(10);
  });

  it('a damaged file is an error naming its path, never skipped', async () => {
    const dir = tmp('damaged');
    await runBatches(await QueryCheckpoint.open(options(dir)), 3);
    const layout = checkpointLayout(dir);
    const offsets2 = join(layout.offsetsDir, '2');
    const good = readFileSync(offsets2, 'utf8');
    const recover = async () => (await QueryCheckpoint.open(options(dir))).recover();

    writeFileSync(offsets2, good.slice(0, 25)); // truncated
    let e = await caught(recover());
    expect(e.message).toContain(offsets2);
    expect(e.message).toMatch(/damaged checkpoint file\n.*not JSON/);

    writeFileSync(offsets2, '');
    expect((await caught(recover())).message).toContain('the file is empty');

    writeFileSync(offsets2, JSON.stringify({ ...JSON.parse(good), time: 'noon' }));
    e = await caught(recover());
    expect(e.message).toContain(offsets2);
    expect(e.issues[0]).toMatchObject({ path: ['time'] });

    writeFileSync(offsets2, good.replace('"batchId":2', '"batchId":7'));
    expect((await caught(recover())).message).toMatch(/holds batch 7, but is named 2/);

    writeFileSync(offsets2, good);
    const commit1 = join(layout.commitsDir, '1');
    writeFileSync(commit1, '{"version":1,"batchId":1,"sinks":[');
    writeFileSync(join(layout.commitsDir, '2'), '{"version":2,"batchId":2,"sinks":[]}');
    e = await caught(recover());
    expect(e.message).toContain(commit1);
    expect(e.message).toContain('not JSON');
    writeFileSync(commit1, '{"version":1,"batchId":1,"sinks":[]}');
    e = await caught(recover());
    expect(e.message).toContain(join(layout.commitsDir, '2'));
    expect(e.issues[0]).toMatchObject({ path: ['version'] });

    writeFileSync(layout.metadata, '{"version":1}');
    e = await caught(recover());
    expect(e.message).toContain(layout.metadata);
  });

  it('an inconsistent checkpoint (missing state, a gap, a commit without offsets) is refused', async () => {
    const counter = new Counter('agg_1');
    const dir = tmp('missing-state');
    await runBatches(await QueryCheckpoint.open(options(dir)), 2);
    const withState = async () =>
      (await QueryCheckpoint.open(options(dir, { stateful: () => [counter] }))).recover();
    const e = await caught(withState());
    expect(e.message).toContain(checkpointLayout(dir).stateFile(1, 'agg_1'));
    expect(e.message).toMatch(/state of operator 'agg_1' is missing/);

    const gap = tmp('gap');
    await runBatches(await QueryCheckpoint.open(options(gap)), 5, 4);
    const layout = checkpointLayout(gap);
    writeFileSync(
      join(layout.offsetsDir, '6'),
      readFileSync(join(layout.offsetsDir, '4'), 'utf8').replace('"batchId":4', '"batchId":6'),
    );
    expect((await caught((await QueryCheckpoint.open(options(gap))).recover())).message).toMatch(
      /batch 6 was planned, but the last committed batch is 3/,
    );

    const orphan = tmp('orphan');
    await runBatches(await QueryCheckpoint.open(options(orphan)), 2);
    const l2 = checkpointLayout(orphan);
    writeFileSync(join(l2.commitsDir, '2'), '{"version":1,"batchId":2,"sinks":["sink_1"]}');
    const e2 = await caught((await QueryCheckpoint.open(options(orphan))).recover());
    expect(e2.message).toContain(join(l2.commitsDir, '2'));
    expect(e2.message).toMatch(/its offsets are missing/);
  });

  it('a checkpoint of another query is refused', async () => {
    const dir = tmp('foreign');
    await QueryCheckpoint.open(options(dir));
    for (const other of [{ pipeline: 'other' }, { queryId: 'q2' }, { sources: ['kafka_1'] }]) {
      const e = await caught(QueryCheckpoint.open(options(dir, other)));
      expect(e.message).toContain(checkpointLayout(dir).metadata);
      expect(e.message).toContain('belongs to another query');
    }
  });

  it('temporary files a crash left are removed when the checkpoint opens', async () => {
    const dir = tmp('leftover');
    await runBatches(await QueryCheckpoint.open(options(dir)), 1);
    const layout = checkpointLayout(dir);
    mkdirSync(layout.offsetsDir, { recursive: true });
    writeFileSync(join(layout.offsetsDir, '.1.tmp'), '{"vers');
    const r = await (await QueryCheckpoint.open(options(dir))).recover();
    expect(r.nextBatchId).toBe(1);
    expect(existsSync(join(layout.offsetsDir, '.1.tmp'))).toBe(false);
  });
});
