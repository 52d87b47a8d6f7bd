import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { every, source } from '@pipekit/core';
import { runPipeline } from '@pipekit/runtime';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { client, freshBucket, putText, s3, waitFor } from './helpers.js';

const Event = z.object({ id: z.int(), name: z.string() });
let bucket: string;

beforeAll(async () => {
  bucket = await freshBucket('files');
});

const byId = (rows: readonly Record<string, unknown>[]) =>
  [...rows].sort((a, b) => Number(a.id) - Number(b.id));

describe('files on S3 (s3:// and s3a://)', () => {
  it('jsonl, csv and parquet are read from a prefix, a single key and a glob', async () => {
    await putText(bucket, 'in/a.jsonl', '{"id":1,"name":"a"}\n{"id":2,"name":"b"}\n');
    await putText(bucket, 'in/_SUCCESS', '');
    await putText(bucket, 'in/.hidden.jsonl', '{"id":99,"name":"no"}\n');
    await putText(bucket, 'csv/x.csv', 'id,name\n3,c\n4,d\n');
    const parquet = parquetWriteBuffer({
      columnData: [
        { name: 'id', data: [5, 6], type: 'INT32' },
        { name: 'name', data: ['e', 'f'], type: 'STRING' },
      ],
    });
    await client.put(bucket, 'pq/2026/p.parquet', new Uint8Array(parquet));
    const read = async (path: string, format: 'jsonl' | 'csv' | 'parquet') => {
      const run = runPipeline(
        source.file({ path, format, schema: Event, s3 }).sink.memory({ name: 'out' }),
      );
      await run.result;
      return byId(run.memory.get('out') ?? []);
    };
    expect(await read(`s3://${bucket}/in`, 'jsonl')).toEqual([
      { id: 1, name: 'a' },
      { id: 2, name: 'b' },
    ]);
    expect(await read(`s3a://${bucket}/csv/x.csv`, 'csv')).toEqual([
      { id: 3, name: 'c' },
      { id: 4, name: 'd' },
    ]);
    expect(await read(`s3a://${bucket}/pq/*/*.parquet`, 'parquet')).toEqual([
      { id: 5, name: 'e' },
      { id: 6, name: 'f' },
    ]);
  });

  it('a sink writes part files to a prefix, once per batch; they read back', async () => {
    const rows = [
      { id: 1, name: 'x', region: 'eu' },
      { id: 2, name: 'y', region: 'us' },
    ];
    for (const format of ['jsonl', 'csv', 'parquet'] as const) {
      const out = `s3a://${bucket}/out-${format}`;
      const run = runPipeline(
        source
          .memory({ rows, schema: Event.extend({ region: z.string() }) })
          .sink.file({ path: out, format, partitionBy: ['region'], s3 }),
      );
      await run.result;
      const keys = (await client.list(bucket, `out-${format}/`)).map((o) => o.key);
      expect(keys).toHaveLength(2);
      expect(keys.every((k) => /region=(eu|us)\/part-00000-[0-9a-f]{8}\./.test(k))).toBe(true);
      const back = runPipeline(
        source
          .file({ path: `${out}/region=eu`, format, schema: Event, s3 })
          .sink.memory({ name: 'back' }),
      );
      await back.result;
      expect(back.memory.get('back')).toEqual([{ id: 1, name: 'x' }]);
    }
  });

  it('a watched prefix: new objects become batches, and a restart from the checkpoint reads only new ones', async () => {
    const checkpoint = mkdtempSync(join(tmpdir(), 'pipekit-s3-watch-'));
    const watched = `s3://${bucket}/stream/`;
    await putText(bucket, 'stream/001.jsonl', '{"id":1,"name":"a"}\n');
    const pipeline = () =>
      source
        .file({ path: watched, format: 'jsonl', watch: true, schema: Event, s3 })
        .sink.memory({ name: 'seen', trigger: every('200 milliseconds'), checkpoint });
    const live = runPipeline(pipeline());
    await waitFor(() => (live.memory.get('seen') ?? []).length === 1);
    // Discovered by listing while the query runs, as a local directory watch finds new files.
    await putText(bucket, 'stream/002.jsonl', '{"id":2,"name":"b"}\n{"id":3,"name":"c"}\n');
    await waitFor(() => (live.memory.get('seen') ?? []).length === 3);
    live.stop();
    await live.result;
    await putText(bucket, 'stream/003.jsonl', '{"id":4,"name":"d"}\n');
    const again = runPipeline(pipeline());
    await waitFor(() => (again.memory.get('seen') ?? []).length >= 1);
    again.stop();
    await again.result;
    expect(again.memory.get('seen')).toEqual([{ id: 4, name: 'd' }]);
  });

  it('bad input: a missing bucket, a wrong key and s3 options on a local path say what and where', async () => {
    const missing = runPipeline(
      source
        .file({ path: 's3://no-such-bucket-pipekit/x/', format: 'jsonl', schema: Event, s3 })
        .sink.memory({ name: 'm' }),
    );
    await expect(missing.result).rejects.toThrow(/NoSuchBucket \(create the bucket first\)/);
    expect(() =>
      source
        .file({ path: '/tmp/x', format: 'jsonl', schema: Event, s3 })
        .sink.memory({ name: 'm' }),
    ).toThrow(/s3 options apply to s3:\/\/ or s3a:\/\/ paths only/);
  });
});
