import { randomUUID } from 'node:crypto';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { secret } from '@pipekit/core';
import { createLogger } from '@pipekit/runtime';
import { envSecrets, kinesisClient } from '../src/index.js';

// The local server takes any credentials; they still go through secret references.
process.env.PIPEKIT_TEST_AWS_KEY ??= 'test';
process.env.PIPEKIT_TEST_AWS_SECRET ??= 'test';

const port = Number(process.env.KINESIS_PORT ?? 4567);
/** kinesalite, where most tests run. */
export const endpoint = `http://127.0.0.1:${port}`;
/** kinesis-mock, the server that refuses single records of a PutRecords call (see kinesis.sh). */
export const mockEndpoint = `http://127.0.0.1:${process.env.KINESIS_MOCK_PORT ?? port + 2}`;
export const logger = createLogger({ level: process.env.PIPEKIT_TEST_LOG ?? 'silent' });

/** The connection options of every test stream (on kinesalite unless told). */
export const connection = (streamName: string, on = endpoint) => ({
  streamName,
  endpoint: on,
  region: 'us-east-1',
  credentials: {
    accessKeyId: secret('PIPEKIT_TEST_AWS_KEY'),
    secretAccessKey: secret('PIPEKIT_TEST_AWS_SECRET'),
  },
});

export function client(on = endpoint): KinesisClient {
  return kinesisClient(connection('x', on), envSecrets);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits (every 50 ms, at most `ms`) until the stream is ACTIVE (after a create or a reshard). */
export async function untilActive(c: KinesisClient, streamName: string, ms = 10_000) {
  for (let waited = 0; waited < ms; waited += 50) {
    const s = await c.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    if (s.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    await sleep(50);
  }
  throw new Error(`stream ${streamName} not ACTIVE after ${ms} ms`);
}

/** A new stream with a unique name (streams live as long as the server). */
export async function createStream(c: KinesisClient, name: string, shards: number) {
  const streamName = `${name}-${randomUUID().slice(0, 8)}`;
  await c.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shards }));
  await untilActive(c, streamName);
  return streamName;
}

/** Puts JSON records (500 a call), keyed by `key(row)`; fails on any refused record. */
export async function put(
  c: KinesisClient,
  streamName: string,
  rows: readonly Record<string, unknown>[],
  key: (row: Record<string, unknown>) => string,
) {
  for (let i = 0; i < rows.length; i += 500) {
    const r = await c.send(
      new PutRecordsCommand({
        StreamName: streamName,
        Records: rows.slice(i, i + 500).map((row) => ({
          Data: Buffer.from(JSON.stringify(row)),
          PartitionKey: key(row),
        })),
      }),
    );
    if (r.FailedRecordCount) throw new Error(`${r.FailedRecordCount} records refused`);
  }
}

/** Polls (every 50 ms, at most `ms`) until `ok()`. */
export async function waitFor(ok: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  for (let waited = 0; waited < ms; waited += 50) {
    if (await ok()) return true;
    await sleep(50);
  }
  return ok();
}
