import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { every, source } from '@pipekit/core';
import { defaultConnectors, runPipeline } from '@pipekit/runtime';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { registerConnectors } from '../src/index.js';
import { client, connection, createStream, logger, put, waitFor } from './helpers.js';
import { commits, startRun, tableIds } from './pipe-run.js';

const Row = z.object({ id: z.int() });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function read(streamName: string, startingPosition: { atTimestamp: string }) {
  const registry = defaultConnectors();
  registerConnectors(registry);
  return runPipeline(
    source
      .kinesis({
        ...connection(streamName),
        schema: Row,
        startingPosition,
        badRecords: 'sideOutput',
      })
      .sink.memory({ name: 'rows', trigger: every('20 milliseconds') }),
    { connectors: registry, logger },
  );
}

const ids = (rows: readonly Record<string, unknown>[]) =>
  rows.map((r) => Number(r.id)).sort((a, b) => a - b);

const range = (from: number, n: number) =>
  Array.from({ length: n }, (_x, i) => ({ id: from + i, user: `u${(from + i) % 13}` }));

describe('where a Kinesis source starts', () => {
  // kinesalite never answers GetShardIterator AT_TIMESTAMP on a shard with no record at or after
  // the timestamp (real Kinesis returns an iterator at the shard's end): every AT_TIMESTAMP read
  // here has records after its instant on each shard.
  it('AT_TIMESTAMP reads what arrived from that instant on; a record that is not JSON is a bad record', async () => {
    const c = client();
    const stream = await createStream(c, 'at-ts', 1);
    await put(c, stream, [{ id: 1 }, { id: 2 }], (r) => String(r.id));
    await sleep(1_100);
    const from = new Date().toISOString();
    await sleep(50);
    await put(c, stream, [{ id: 3 }, { id: 4 }, { id: 5 }], (r) => String(r.id));
    await c.send(
      new PutRecordCommand({
        StreamName: stream,
        PartitionKey: 'x',
        Data: Buffer.from('not json'),
      }),
    );
    const run = read(stream, { atTimestamp: from });
    expect(await waitFor(() => run.memory.get('rows').length >= 3, 20_000)).toBe(true);
    await sleep(200);
    run.stop();
    const result = await run.result;
    expect(ids(run.memory.get('rows'))).toEqual([3, 4, 5]);
    expect(result.badRecords).toBe(1);
    c.destroy();
  });

  it('LATEST reads, from its LATEST iterators, only what is written after the query started', async () => {
    const c = client();
    const stream = await createStream(c, 'latest-live', 2);
    await put(c, stream, range(0, 100), (r) => String(r.user));
    const dir = mkdtempSync(join(tmpdir(), 'pipekit-kinesis-latest-live-'));
    const registry = defaultConnectors();
    registerConnectors(registry);
    const run = runPipeline(
      source
        .kinesis({
          ...connection(stream),
          schema: z.object({ id: z.int(), user: z.string() }),
          startingPosition: 'LATEST',
        })
        .sink.memory({
          name: 'rows',
          trigger: every('20 milliseconds'),
          checkpoint: join(dir, 'checkpoint'),
        }),
      { connectors: registry, logger },
    );
    // Started: its starting position is in the checkpoint.
    const starts = join(dir, 'checkpoint', 'sources');
    expect(
      await waitFor(
        () => existsSync(starts) && readdirSync(starts).some((f) => /^[^.].*\.json$/.test(f)),
        20_000,
      ),
    ).toBe(true);
    await put(c, stream, range(100, 100), (r) => String(r.user));
    expect(await waitFor(() => run.memory.get('rows').length >= 100, 20_000)).toBe(true);
    await sleep(200);
    run.stop();
    await run.result;
    expect(ids(run.memory.get('rows'))).toEqual(range(100, 100).map((r) => r.id));
    c.destroy();
  });

  it('LATEST skips what came before the start, and a kill -9 before the first record loses nothing written while down', async () => {
    const c = client();
    const stream = await createStream(c, 'latest', 2);
    const dir = mkdtempSync(join(tmpdir(), 'pipekit-kinesis-latest-'));
    await put(c, stream, range(0, 200), (r) => String(r.user));
    const starts = join(dir, 'checkpoint', 'sources');
    // First run: killed once it has fixed where it starts, before any record came.
    const first = startRun(dir, stream, 'LATEST');
    const started = await waitFor(
      // The file itself, not the temporary file of its atomic write.
      () =>
        (existsSync(starts) && readdirSync(starts).some((f) => /^[^.].*\.json$/.test(f))) ||
        first.child.exitCode !== null,
      60_000,
    );
    first.child.kill('SIGKILL');
    const killed = await first.exit;
    expect(started, killed.stderr).toBe(true);
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    expect(commits(dir)).toBe(0);
    // Written while the query is down, on both shards (13 keys).
    await put(c, stream, range(200, 200), (r) => String(r.user));
    const second = startRun(dir, stream, 'LATEST');
    const caughtUp = await waitFor(
      async () => (await tableIds(dir)).length >= 200 || second.child.exitCode !== null,
      90_000,
    );
    // Written while it runs.
    await put(c, stream, range(400, 200), (r) => String(r.user));
    const done = await waitFor(
      async () => (await tableIds(dir)).length >= 400 || second.child.exitCode !== null,
      60_000,
    );
    await sleep(300); // a duplicate or an early record would show up now
    second.child.kill('SIGTERM');
    const ended = await second.exit;
    expect(caughtUp && done, ended.stderr).toBe(true);
    expect(await tableIds(dir)).toEqual(range(200, 400).map((r) => r.id));
    c.destroy();
  }, 240_000);
});
