import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { count, every, source } from '@pipekit/core';
import { createLogger, defaultConnectors, runPipeline } from '@pipekit/runtime';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DeltaTable, registerConnectors, type Schema } from '../src/index.js';
import { byId, tablePath } from './helpers.js';

const logger = createLogger({ level: 'silent' });

function connectors() {
  const registry = defaultConnectors();
  registerConnectors(registry);
  return registry;
}

const Order = z.object({ id: z.int(), country: z.string() });
const orders = [
  { id: 1, country: 'DE' },
  { id: 2, country: 'FR' },
  { id: 3, country: 'DE' },
  { id: 4, country: 'IT' },
  { id: 5, country: 'FR' },
];
const orderSchema: Schema = {
  fields: [
    { name: 'id', type: 'long', nullable: false },
    { name: 'country', type: 'string', nullable: true },
  ],
};

describe('delta sink', () => {
  it('creates the table from the batch schema and commits one version per batch', async () => {
    const path = tablePath('sink');
    const checkpoint = tablePath('sink-ckpt');
    const pipeline = source.memory({ schema: Order, rows: orders, batchSize: 2 }).sink.delta({
      path,
      partitionBy: ['country'],
      checkpoint,
      queryName: 'orders-to-delta',
    });
    const run = await runPipeline(pipeline, { connectors: connectors(), logger }).result;
    expect(run.stoppedBy).toBe('completed');
    const table = await DeltaTable.open(path);
    expect(byId(await table.read())).toEqual(orders);
    const snapshot = await table.snapshot();
    expect(snapshot.partitionColumns).toEqual(['country']);
    expect(snapshot.version).toBe(3); // create + 3 batches of 2, 2, 1 rows
    // The app id is the query's id kept in its checkpoint (Spark's query id), not its name.
    const { id } = JSON.parse(
      readFileSync(join(checkpoint, 'metadata'), 'utf8').split('\n')[0]!,
    ) as { id: string };
    expect(await table.appTransactionVersion(id)).toBe(2);
    expect(await table.appTransactionVersion('orders-to-delta')).toBeNull();
  });

  it('writes nothing when a committed batch is replayed after a crash', async () => {
    const path = tablePath('replay');
    const checkpoint = tablePath('replay-ckpt');
    const pipeline = source
      .memory({ schema: Order, rows: orders, batchSize: 2 })
      .sink.delta({ path, checkpoint, queryName: 'replayed' });
    await runPipeline(pipeline, { connectors: connectors(), logger }).result;
    const table = await DeltaTable.open(path);
    const before = await table.version();

    // A crash after the Delta commit but before the runtime's commit: the last batch is replayed.
    const commits = join(checkpoint, 'commits');
    const last = readdirSync(commits)
      .filter((f) => /^\d+$/.test(f))
      .sort((a, b) => Number(a) - Number(b))
      .at(-1);
    expect(last).toBe('2');
    rmSync(join(commits, last as string));
    const again = await runPipeline(pipeline, { connectors: connectors(), logger }).result;
    expect(again.stoppedBy).toBe('completed');

    expect(await table.version()).toBe(before);
    expect(byId(await table.read())).toEqual(orders);
  });

  it('overwrites the table each batch in complete mode', async () => {
    const path = tablePath('complete');
    const pipeline = source
      .memory({ schema: Order, rows: orders })
      .groupBy('country')
      .aggregate({ count: count() })
      .sink.delta({ path, outputMode: 'complete' });
    await runPipeline(pipeline, { connectors: connectors(), logger }).result;
    const rows = await (await DeltaTable.open(path)).read();
    expect([...rows].sort((a, b) => String(a.country).localeCompare(String(b.country)))).toEqual([
      { country: 'DE', count: 2 },
      { country: 'FR', count: 2 },
      { country: 'IT', count: 1 },
    ]);
  });
});

describe('delta source', () => {
  it('reads the latest version, or a version, as one bounded batch', async () => {
    const path = tablePath('batch-source');
    const table = await DeltaTable.create(path, { schema: orderSchema });
    await table.write(orders.slice(0, 2));
    await table.write(orders.slice(2));

    const latest = runPipeline(
      source.delta({ path, schema: Order }).sink.memory({ name: 'latest' }),
      { connectors: connectors(), logger },
    );
    expect((await latest.result).stoppedBy).toBe('completed');
    expect(byId(latest.memory.get('latest'))).toEqual(orders);

    const v1 = runPipeline(source.delta({ path, version: 1 }).sink.memory({ name: 'v1' }), {
      connectors: connectors(),
      logger,
    });
    await v1.result;
    expect(byId(v1.memory.get('v1'))).toEqual(orders.slice(0, 2));
  });

  it('streams a commit made after the query started', async () => {
    const path = tablePath('stream-source');
    const table = await DeltaTable.create(path, { schema: orderSchema });
    await table.write(orders.slice(0, 2));

    const controller = new AbortController();
    const run = runPipeline(
      source
        .delta({ path, stream: true, schema: Order })
        .sink.memory({ name: 'tail', trigger: every(50) }),
      { connectors: connectors(), logger, signal: controller.signal },
    );
    const waitFor = async (n: number) => {
      for (let i = 0; i < 200 && run.memory.get('tail').length < n; i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    try {
      await waitFor(2);
      expect(byId(run.memory.get('tail'))).toEqual(orders.slice(0, 2));
      await table.write(orders.slice(2));
      await waitFor(5);
    } finally {
      controller.abort();
    }
    await run.result;
    expect(byId(run.memory.get('tail'))).toEqual(orders);
  });

  it('reads the change data feed with its metadata columns', async () => {
    const path = tablePath('cdf');
    const table = await DeltaTable.create(path, {
      schema: orderSchema,
      properties: { 'delta.enableChangeDataFeed': 'true' },
    });
    await table.write(orders.slice(0, 2));
    const run = runPipeline(
      source.delta({ path, readChangeFeed: true }).sink.memory({ name: 'cdf' }),
      { connectors: connectors(), logger },
    );
    await run.result;
    const rows = byId(run.memory.get('cdf'));
    expect(rows.map((r) => [r.id, r._change_type, r._commit_version])).toEqual([
      [1, 'insert', 1],
      [2, 'insert', 1],
    ]);
    expect(rows[0]?._commit_timestamp).toBeInstanceOf(Date);
  });
});
