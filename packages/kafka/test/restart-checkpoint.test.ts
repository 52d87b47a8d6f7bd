// Issue #6, end to end: a Kafka → Kafka pipeline run by `pipe run` with a checkpoint directory,
// stopped with SIGTERM, killed with SIGKILL in the middle of a batch, fed while it is down and
// restarted from the same checkpoint, writes every input record exactly once and in order.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { continuous, source } from '@pipekit/core';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { brokers, createTopic, produce, readTopic, uniqueTopic } from './helpers.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const pipe = join(repo, 'packages', 'cli', 'bin', 'pipe.js');
const dir = mkdtempSync(join(tmpdir(), 'pipekit-kafka-restart-'));
const checkpoint = join(dir, 'checkpoint');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const partitions = 4;
const perBatch = 500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** `pipe run <plan> --json` as a user runs it, from the workspace sources. */
function startRun(plan: string): { child: ChildProcess; exit: Promise<Ended> } {
  const child = spawn(process.execPath, [pipe, 'run', plan, '--json', '--log-level', 'warn'], {
    cwd: repo,
    env: { ...process.env, PIPEKIT_DEV: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += String(d)));
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const exit = new Promise<Ended>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, exit };
}

/** Waits for the child's end at most `ms`; a child still running then is killed and reported. */
async function ended(run: { child: ChildProcess; exit: Promise<Ended> }, ms: number) {
  const timer = setTimeout(() => run.child.kill('SIGKILL'), ms);
  const r = await run.exit;
  clearTimeout(timer);
  return r;
}

/** Polls (every 20 ms, for at most `ms`) until `ok()`. */
async function waitFor(ok: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (let i = 0; i < ms / 20 && Date.now() < deadline; i++) {
    if (ok()) return true;
    await sleep(20);
  }
  return ok();
}

/** Batch ids in a checkpoint log (`offsets` or `commits`), ascending. */
function logIds(kind: 'offsets' | 'commits'): number[] {
  const d = join(checkpoint, kind);
  if (!existsSync(d)) return [];
  return readdirSync(d)
    .filter((f) => /^\d+$/.test(f))
    .map(Number)
    .sort((a, b) => a - b);
}
const lastCommitted = () => logIds('commits').at(-1) ?? -1;
const lastPlanned = () => logIds('offsets').at(-1) ?? -1;

/** Where the source is after the last committed batch: `{ partition: nextOffset }`. */
function committedEnd(topic: string): Record<string, number> {
  const id = lastCommitted();
  if (id < 0) return {};
  const entry = JSON.parse(
    readFileSync(join(checkpoint, 'offsets', String(id)), 'utf8').split('\n')[0]!,
  ) as {
    sources: Record<string, { start: unknown; end?: Record<string, Record<string, number>> }>;
  };
  const [range] = Object.values(entry.sources);
  const at = (range?.end ?? range?.start) as Record<string, Record<string, number>>;
  return at[topic] ?? {};
}

/** The batch ids a run reported (its `--json` progress lines), in order. */
function batchIdsOf(stdout: string): number[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { type: string; batchId?: number })
    .filter((l) => l.type === 'progress')
    .map((l) => l.batchId!);
}

/**
 * What a `read_uncommitted` consumer of the output has seen: the highest input offset per input
 * partition, including records of transactions still open (or later aborted). `onRecords` runs
 * after each fetched batch, so a test can act the moment a sink starts writing.
 */
async function watchOutput(topic: string) {
  const consumer = new Kafka({
    clientId: 'restart-watch',
    brokers,
    logLevel: logLevel.NOTHING,
  }).consumer({
    groupId: `restart-watch-${randomUUID()}`,
    readUncommitted: true,
    maxWaitTimeInMs: 50,
  });
  const maxOffset = new Map<number, number>();
  const watch = {
    onRecords: () => {},
    /** Whether the output has a record of input `(partition, offset)` at or beyond `ends`. */
    beyond(ends: Record<string, number>): boolean {
      for (const [p, o] of maxOffset) if (o >= (ends[String(p)] ?? 0)) return true;
      return false;
    },
    close: () => consumer.disconnect(),
  };
  const joined = new Promise<void>((resolve) =>
    consumer.on(consumer.events.GROUP_JOIN, () => resolve()),
  );
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) {
        const r = JSON.parse(String(m.value)) as { partition: number; offset: number };
        maxOffset.set(r.partition, Math.max(maxOffset.get(r.partition) ?? -1, r.offset));
      }
      watch.onRecords();
    },
  });
  const ok = await Promise.race([joined.then(() => true), sleep(30_000).then(() => false)]);
  if (!ok) throw new Error('the output watcher did not join its group in 30 s');
  return watch;
}

/**
 * Runs the pipeline and kills it with SIGKILL the moment its sink is writing a batch the
 * checkpoint has not committed (the output has records beyond the committed offsets), after at
 * least two batches of this run. Returns that batch's id. When the batch committed between the
 * look and the kill, it tries again (at most 5 runs).
 */
async function killWhileWriting(
  plan: string,
  input: string,
  watch: Awaited<ReturnType<typeof watchOutput>>,
): Promise<number> {
  for (let attempt = 1; attempt <= 5; attempt++) {
    const before = lastCommitted();
    const run = startRun(plan);
    const target = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), 90_000);
      void run.exit.then(() => resolve(null));
      watch.onRecords = () => {
        const committed = lastCommitted();
        if (committed < before + 2 || !watch.beyond(committedEnd(input))) return;
        run.child.kill('SIGKILL');
        clearTimeout(timer);
        resolve(committed + 1);
      };
    });
    watch.onRecords = () => {};
    run.child.kill('SIGKILL');
    const killed = await ended(run, 30_000);
    expect(target, `no batch was seen being written; stderr: ${killed.stderr}`).not.toBeNull();
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    // The batch is planned in the offset log and not committed: a restart must replay it.
    if (lastCommitted() === target! - 1 && lastPlanned() === target) return target!;
  }
  throw new Error('in 5 runs, every kill came after the batch being written had committed');
}

/** Records `from .. to-1` of each partition; `seq` is the record's place in its partition. */
function records(from: number, to: number) {
  const out: { partition: number; value: string }[] = [];
  for (let seq = from; seq < to; seq++)
    for (let p = 0; p < partitions; p++)
      out.push({ partition: p, value: JSON.stringify({ id: seq * partitions + p, seq }) });
  return out;
}

describe('restart from the checkpoint (pipe run: SIGTERM, then kill -9 mid-batch)', () => {
  it('resumes where it stopped: every record once, in partition order, with records produced while down', async () => {
    const input = uniqueTopic('restart-ck-in');
    const output = uniqueTopic('restart-ck-out');
    await createTopic(input, partitions);
    await createTopic(output, partitions);

    // The pipeline, as a plan file: many small batches, one Kafka transaction each.
    const pipeline = source
      .kafka({
        brokers,
        topic: input,
        startingOffsets: 'earliest',
        maxOffsetsPerTrigger: perBatch,
        includeColumns: ['partition', 'offset'],
        schema: z.object({ id: z.int(), seq: z.int() }),
      })
      .withColumn('tenfold', (r) => r.id.times(10))
      .sink.kafka({
        brokers,
        topic: output,
        // All records of an input partition go to one output partition, in order.
        key: 'partition',
        trigger: continuous(),
        checkpoint,
        queryName: 'restart-checkpoint',
      });
    const plan = join(dir, 'plan.json');
    writeFileSync(plan, JSON.stringify(pipeline.plan));
    const watch = await watchOutput(output);
    try {
      // 20,000 records (5,000 a partition): 40 batches of 500.
      let produced = 5_000;
      await produce(input, records(0, produced));

      // 1. SIGTERM after a few batches: the batch in flight finishes, nothing is left planned.
      const first = startRun(plan);
      const running = await waitFor(
        () => lastCommitted() >= 4 || first.child.exitCode !== null,
        90_000,
      );
      first.child.kill('SIGTERM');
      const stopped = await ended(first, 30_000);
      expect(running, stopped.stderr).toBe(true);
      expect(stopped.code, stopped.stderr).toBe(0);
      expect(stopped.stdout).toContain('"stoppedBy":"stopped"');
      expect(lastPlanned()).toBe(lastCommitted());
      const afterStop = committedEnd(input);
      const readBeforeStop = Object.values(afterStop).reduce((a, b) => a + b, 0);
      // Stopped mid-run: part of the input is still unread.
      expect(readBeforeStop).toBeGreaterThan(0);
      expect(readBeforeStop).toBeLessThan(produced * partitions);

      // 2. More records while it is down.
      await produce(input, records(produced, produced + 1_000));
      produced += 1_000;

      // 3. Restart, then SIGKILL it while its sink writes a batch; more records while it is down;
      //    a run that replays that batch and is stopped; once more.
      let replay = await killWhileWriting(plan, input, watch);
      await produce(input, records(produced, produced + 500));
      produced += 500;
      const resumed = startRun(plan);
      const replayed = await waitFor(
        () => lastCommitted() > replay || resumed.child.exitCode !== null,
        90_000,
      );
      resumed.child.kill('SIGTERM');
      const r = await ended(resumed, 30_000);
      expect(replayed, r.stderr).toBe(true);
      expect(r.code, r.stderr).toBe(0);
      // It began with exactly the batch the kill interrupted (same id, same offsets).
      expect(batchIdsOf(r.stdout)[0]).toBe(replay);

      replay = await killWhileWriting(plan, input, watch);
      await produce(input, records(produced, produced + 500));
      produced += 500;

      // 4. The last run: the replayed batch first, then the rest; stopped once all is read.
      const last = startRun(plan);
      const total = produced * partitions;
      const caughtUp = await waitFor(() => {
        const end = committedEnd(input);
        return (
          Object.values(end).reduce((a, b) => a + b, 0) === total || last.child.exitCode !== null
        );
      }, 120_000);
      last.child.kill('SIGTERM');
      const done = await ended(last, 30_000);
      expect(caughtUp, done.stderr).toBe(true);
      expect(done.code, done.stderr).toBe(0);
      expect(batchIdsOf(done.stdout)[0]).toBe(replay);
      expect(committedEnd(input)).toEqual(
        Object.fromEntries(Array.from({ length: partitions }, (_, p) => [String(p), produced])),
      );
      // Many micro-batches in all, so the stops really fell in the middle of the run.
      expect(lastCommitted()).toBeGreaterThanOrEqual(total / perBatch - 1);

      // What a read_committed consumer sees: each input record once, in its partition's order.
      // Asking for one more than expected: a duplicate would show (the wait is bounded).
      const got = [...(await readTopic(output, total + 1, { timeoutMs: 15_000 })).values()].flat();
      const rows = got.map(
        (m) =>
          JSON.parse(String(m.value)) as {
            id: number;
            seq: number;
            partition: number;
            offset: number;
            tenfold: number;
          },
      );
      expect(rows.length).toBe(total);
      for (let p = 0; p < partitions; p++) {
        const mine = rows.filter((r) => r.partition === p);
        // Offsets 0, 1, 2, ... in this order: nothing lost, repeated or reordered.
        const misplaced = mine.findIndex((r, i) => r.offset !== i);
        expect({ partition: p, records: mine.length, misplaced }).toEqual({
          partition: p,
          records: produced,
          misplaced: -1,
        });
        // A fresh topic and a plain producer: offset n of a partition is its n-th record.
        expect(mine.every((r) => r.seq === r.offset && r.id === r.seq * partitions + p)).toBe(true);
      }
      expect(rows.every((r) => r.tenfold === r.id * 10)).toBe(true);
    } finally {
      await watch.close();
    }
  }, 420_000);
});
