import { MergeShardsCommand, SplitShardCommand } from '@aws-sdk/client-kinesis';
import { every, source } from '@pipekit/core';
import { defaultConnectors, runPipeline } from '@pipekit/runtime';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { listShards, registerConnectors } from '../src/index.js';
import { client, connection, createStream, logger, put, untilActive, waitFor } from './helpers.js';

const Event = z.object({ id: z.int(), user: z.string() });

describe('resharding while a query reads', () => {
  it('a split and then a merge lose nothing, duplicate nothing, and keep each key in order', async () => {
    const c = client();
    const stream = await createStream(c, 'reshard', 1);
    const rows = (from: number, n: number) =>
      Array.from({ length: n }, (_x, i) => ({ id: from + i, user: `u${(from + i) % 11}` }));
    const registry = defaultConnectors();
    registerConnectors(registry);
    const run = runPipeline(
      source
        .kinesis({
          ...connection(stream),
          schema: Event,
          startingPosition: 'TRIM_HORIZON',
          maxRecordsPerShard: 100,
          includeColumns: ['shardId'],
        })
        .sink.memory({ name: 'out', trigger: every('20 milliseconds') }),
      { connectors: registry, logger },
    );
    let failed: unknown = null;
    run.result.catch((e: unknown) => {
      failed = e;
    });
    const seen = () => run.memory.get('out').length;
    await put(c, stream, rows(0, 1_500), (r) => String(r.user));
    // Split while the parent still has unread records (100 a batch).
    expect(await waitFor(() => seen() > 0 || failed !== null, 30_000)).toBe(true);
    const [parent] = await listShards(c, stream);
    await c.send(
      new SplitShardCommand({
        StreamName: stream,
        ShardToSplit: parent!.ShardId!,
        NewStartingHashKey: (2n ** 127n).toString(),
      }),
    );
    await untilActive(c, stream);
    await put(c, stream, rows(1_500, 1_500), (r) => String(r.user));
    // Merge the two children back into one, with records still coming.
    const children = (await listShards(c, stream)).filter(
      (s) => s.ParentShardId === parent!.ShardId,
    );
    expect(children).toHaveLength(2);
    await c.send(
      new MergeShardsCommand({
        StreamName: stream,
        ShardToMerge: children[0]!.ShardId!,
        AdjacentShardToMerge: children[1]!.ShardId!,
      }),
    );
    await untilActive(c, stream);
    await put(c, stream, rows(3_000, 1_000), (r) => String(r.user));

    expect(await waitFor(() => seen() >= 4_000 || failed !== null, 60_000)).toBe(true);
    // A little longer: a duplicate would show up now.
    await new Promise((r) => setTimeout(r, 300));
    run.stop();
    await run.result;
    const out = run.memory.get('out');
    expect(out.map((r) => Number(r.id)).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 4_000 }, (_x, i) => i),
    );
    // Parents before children: every key's records come in the order they were written.
    for (let u = 0; u < 11; u++) {
      const ids = out.filter((r) => r.user === `u${u}`).map((r) => Number(r.id));
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
    }
    // Records came from the parent, both children and the merged shard.
    expect(new Set(out.map((r) => r.shardId)).size).toBe(4);
    c.destroy();
  });
});
