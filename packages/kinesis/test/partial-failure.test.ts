import { Writable } from 'node:stream';
import {
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  UpdateMaxRecordSizeCommand,
} from '@aws-sdk/client-kinesis';
import { source } from '@pipekit/core';
import { createLogger, defaultConnectors, runPipeline } from '@pipekit/runtime';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { listShards, registerConnectors } from '../src/index.js';
import { client, connection, createStream, mockEndpoint, waitFor } from './helpers.js';

const Row = z.object({ id: z.int(), user: z.string(), pad: z.string() });

/** Every record of every shard, read from the start (bounded in calls). */
async function readAll(c: KinesisClient, streamName: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (const shard of await listShards(c, streamName)) {
    let iterator = (
      await c.send(
        new GetShardIteratorCommand({
          StreamName: streamName,
          ShardId: shard.ShardId!,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      )
    ).ShardIterator;
    for (let call = 0; call < 100 && iterator !== undefined; call++) {
      const r = await c.send(new GetRecordsCommand({ ShardIterator: iterator }));
      const records = r.Records ?? [];
      for (const rec of records) out.push(JSON.parse(Buffer.from(rec.Data!).toString('utf8')));
      if (records.length === 0 && (r.MillisBehindLatest ?? 0) === 0) break;
      iterator = r.NextShardIterator;
    }
  }
  return out;
}

describe('PutRecords that refuses single records (kinesis-mock)', () => {
  // kinesis-mock refuses, record by record, data over the stream's maximum record size (1 MiB
  // unless raised with UpdateMaxRecordSize) and takes the others of the call: the partial failure
  // Kinesis reports for throttling, which no local Kinesis-API server simulates.
  it('sends again only the refused records until the stream takes them: each record once', async () => {
    const c = client(mockEndpoint);
    const stream = await createStream(c, 'partial', 2);
    const big = 'x'.repeat(1_100_000);
    const rows = Array.from({ length: 1_200 }, (_x, id) => ({
      id,
      user: `u${id % 7}`,
      pad: id === 700 ? big : '',
    }));
    const warnings: string[] = [];
    const out = new Writable({
      write(chunk, _enc, done) {
        warnings.push(String(chunk));
        done();
      },
    });
    const registry = defaultConnectors();
    registerConnectors(registry);
    const run = runPipeline(
      source
        .memory({ schema: Row, rows, batchSize: 1_200 })
        .sink.kinesis({ ...connection(stream, mockEndpoint), partitionKey: 'user' }),
      { connectors: registry, logger: createLogger({ level: 'warn', out }) },
    );
    let failed: unknown = null;
    run.result.catch((e: unknown) => {
      failed = e;
    });
    // The second call of the batch (records 500..999) has the big record: refused, then retried.
    const refused = await waitFor(
      () => failed !== null || warnings.some((w) => /refused 1 of 500 records/.test(w)),
      60_000,
    );
    expect(refused, String(failed)).toBe(true);
    expect(warnings.join('')).toContain('InvalidArgumentException');
    const arn = (await c.send(new DescribeStreamSummaryCommand({ StreamName: stream })))
      .StreamDescriptionSummary!.StreamARN!;
    await c.send(new UpdateMaxRecordSizeCommand({ StreamARN: arn, MaxRecordSizeInKiB: 2_048 }));
    const result = await run.result;
    expect(result.sinks.sink_1).toMatchObject({ rowsWritten: 1_200, batches: 1 });
    const back = await readAll(c, stream);
    expect(back.map((r) => Number(r.id)).sort((a, b) => a - b)).toEqual(rows.map((r) => r.id));
    expect(back.find((r) => r.id === 700)?.pad).toBe(big);
    c.destroy();
  });
});
