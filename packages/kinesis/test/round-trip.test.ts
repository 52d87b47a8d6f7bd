import { every, source } from '@pipekit/core';
import { defaultConnectors, runPipeline } from '@pipekit/runtime';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { registerConnectors } from '../src/index.js';
import { client, connection, createStream, logger, waitFor } from './helpers.js';

const Event = z.object({ id: z.int(), user: z.string(), at: z.coerce.date() });

function connectors() {
  const r = defaultConnectors();
  registerConnectors(r);
  return r;
}

describe('Kinesis sink and source against a Kinesis-API server', () => {
  it('what the sink writes (PutRecords, keyed) the source reads back, each record once, with metadata', async () => {
    const c = client();
    const streamName = await createStream(c, 'round-trip', 3);
    const rows = Array.from({ length: 2_500 }, (_x, id) => ({
      id,
      user: `u${id % 17}`,
      at: new Date(1_700_000_000_000 + id),
    }));
    const write = await runPipeline(
      source
        .memory({ schema: Event, rows, batchSize: 700 })
        .sink.kinesis({ ...connection(streamName), partitionKey: 'user' }),
      { connectors: connectors(), logger },
    ).result;
    expect(write.sinks.sink_1).toMatchObject({ rowsWritten: 2_500, batches: 4 });

    const read = runPipeline(
      source
        .kinesis({
          ...connection(streamName),
          schema: Event,
          startingPosition: 'TRIM_HORIZON',
          maxRecordsPerShard: 300,
          includeColumns: ['partitionKey', 'shardId', 'sequenceNumber'],
        })
        .sink.memory({ name: 'back', trigger: every('50 milliseconds') }),
      { connectors: connectors(), logger },
    );
    let failed: unknown = null;
    read.result.catch((e: unknown) => {
      failed = e;
    });
    await waitFor(() => failed !== null || read.memory.get('back').length >= 2_500, 30_000);
    if (failed) throw failed;
    expect(read.memory.get('back')).toHaveLength(2_500);
    read.stop();
    const result = await read.result;
    const back = read.memory.get('back');
    expect(back.map((r) => r.id).sort((a, b) => Number(a) - Number(b))).toEqual(
      rows.map((r) => r.id),
    );
    expect(result.badRecords).toBe(0);
    const first = back.find((r) => r.id === 5)!;
    expect(first).toMatchObject({ user: 'u5', partitionKey: 'u5', at: rows[5]!.at });
    expect(String(first.shardId)).toMatch(/^shardId-/);
    // One key, one shard: a key's records come in the order written.
    const u3 = back.filter((r) => r.user === 'u3').map((r) => Number(r.id));
    expect(u3).toEqual([...u3].sort((a, b) => a - b));
    c.destroy();
  });
});
