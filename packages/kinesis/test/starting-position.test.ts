import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { every, source } from '@pipekit/core';
import { defaultConnectors, runPipeline } from '@pipekit/runtime';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { registerConnectors } from '../src/index.js';
import { client, connection, createStream, logger, put, waitFor } from './helpers.js';

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

describe('where a Kinesis source starts', () => {
  // One shard: kinesalite never answers GetShardIterator AT_TIMESTAMP on a shard with no record
  // at or after the timestamp (real Kinesis returns an iterator at the shard's end), so LATEST,
  // which the source pins as AT_TIMESTAMP of its start, is not tested against it.
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
});
