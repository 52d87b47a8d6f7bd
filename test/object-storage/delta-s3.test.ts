import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { every, source } from '@pipekit/core';
import { DeltaTable } from '@pipekit/delta';
import { runPipeline } from '@pipekit/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { client, deltaConnectors, freshBucket, s3, s3Url, waitFor } from './helpers.js';

const Order = z.object({ id: z.int(), amount: z.number() });
let bucket: string;

beforeAll(async () => {
  bucket = await freshBucket('delta');
});

const schema = {
  fields: [
    { name: 'writer', type: 'string' as const, nullable: false },
    { name: 'n', type: 'long' as const, nullable: false },
  ],
};

describe('Delta tables on S3', () => {
  it('a sink creates and appends to an s3a:// table; a batch and a streaming source read it', async () => {
    const path = `s3a://${bucket}/orders`;
    const rows = [
      { id: 1, amount: 9.5 },
      { id: 2, amount: 20 },
    ];
    const write = runPipeline(
      source.memory({ rows, schema: Order }).sink.delta({ path, s3 }),
      deltaConnectors(),
    );
    await write.result;
    const again = runPipeline(
      source.memory({ rows: [{ id: 3, amount: 1 }], schema: Order }).sink.delta({ path, s3 }),
      deltaConnectors(),
    );
    await again.result;
    // Written to the bucket: a log and data files, no local directory.
    const keys = (await client.list(bucket, 'orders/')).map((o) => o.key);
    expect(keys).toContain('orders/_delta_log/00000000000000000000.json');
    expect(keys.filter((k) => k.endsWith('.parquet')).length).toBeGreaterThanOrEqual(2);
    // s3:// and s3a:// name the same table.
    const read = runPipeline(
      source
        .delta({ path: `s3://${bucket}/orders`, schema: Order, s3 })
        .sink.memory({ name: 'all' }),
      deltaConnectors(),
    );
    await read.result;
    expect([...(read.memory.get('all') ?? [])].sort((a, b) => Number(a.id) - Number(b.id))).toEqual(
      [...rows, { id: 3, amount: 1 }],
    );
    const tail = runPipeline(
      source
        .delta({ path, stream: true, startingVersion: 2, schema: Order, s3 })
        .sink.memory({ name: 'new', trigger: every('200 milliseconds') }),
      deltaConnectors(),
    );
    await waitFor(() => (tail.memory.get('new') ?? []).length === 1);
    tail.stop();
    await tail.result;
    expect(tail.memory.get('new')).toEqual([{ id: 3, amount: 1 }]);
  });

  it('two processes appending to one table: every commit lands, versions contiguous (conditional put)', async () => {
    const url = `s3://${bucket}/contended`;
    await DeltaTable.create(url, { schema, s3 });
    const perWriter = 8;
    const script = fileURLToPath(new URL('./fixtures/append-writer.ts', import.meta.url));
    const writer = (name: string) =>
      new Promise<number[]>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          ['--conditions=@pipekit/source', '--import', 'tsx', script, url, name, String(perWriter)],
          {
            env: { ...process.env, PIPEKIT_TEST_S3_ENDPOINT: s3Url },
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        );
        let out = '';
        let err = '';
        child.stdout.on('data', (d) => (out += String(d)));
        child.stderr.on('data', (d) => (err += String(d)));
        const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
        child.on('close', (code) => {
          clearTimeout(timer);
          if (code === 0) resolve(JSON.parse(out) as number[]);
          else reject(new Error(`writer ${name} exited ${code}: ${err}`));
        });
      });
    const [a, b] = await Promise.all([writer('a'), writer('b')]);
    // No two commits got the same version, and together they are 1..16 without a gap.
    expect([...a, ...b].sort((x, y) => x - y)).toEqual(
      Array.from({ length: 2 * perWriter }, (_, i) => i + 1),
    );
    const table = DeltaTable.at(url, { s3 });
    expect(await table.version()).toBe(2 * perWriter);
    const rows = await table.read();
    expect(rows).toHaveLength(2 * perWriter);
    for (const w of ['a', 'b'])
      expect(
        rows
          .filter((r) => r.writer === w)
          .map((r) => Number(r.n))
          .sort((x, y) => x - y),
      ).toEqual(Array.from({ length: perWriter }, (_, i) => i));
    const history = await table.history();
    expect(history.map((h) => h.version)).toEqual(
      Array.from({ length: 2 * perWriter + 1 }, (_, i) => 2 * perWriter - i),
    );
  }, 180_000);

  it('a checkpointed sink replayed after a restart commits nothing twice', async () => {
    const path = `s3://${bucket}/exactly-once`;
    const checkpoint = mkdtempSync(join(tmpdir(), 'pipekit-s3-delta-'));
    const rows = [{ id: 1, amount: 1 }];
    for (let i = 0; i < 2; i++) {
      const run = runPipeline(
        source.memory({ rows, schema: Order }).sink.delta({ path, s3, checkpoint }),
        deltaConnectors(),
      );
      await run.result;
    }
    expect(await DeltaTable.at(path, { s3 }).read()).toEqual(rows);
  });

  it('plain HTTP to another machine is refused before any request', async () => {
    const wrong = runPipeline(
      source.memory({ rows: [{ id: 1, amount: 1 }], schema: Order }).sink.delta({
        path: `s3://${bucket}/wrong-key`,
        s3: { ...s3, endpoint: 'http://storage.invalid:9000' },
      }),
      deltaConnectors(),
    );
    await expect(wrong.result).rejects.toThrow(
      'plain HTTP to another machine; use https:// or set allowHttp: true',
    );
  });
});
