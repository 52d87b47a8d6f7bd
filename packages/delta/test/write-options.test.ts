import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { source } from '@pipekit/core';
import { createLogger, defaultConnectors, runPipeline } from '@pipekit/runtime';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DeltaError, DeltaTable, type Row, registerConnectors, type Schema } from '../src/index.js';
import { byId, runPython, tablePath } from './helpers.js';

const schema: Schema = {
  fields: [
    { name: 'id', type: 'long', nullable: false },
    { name: 'name', type: 'string', nullable: true },
    { name: 'v', type: 'double', nullable: true },
  ],
};

/** Rows whose values barely repeat, so parquet cannot shrink them much. */
function rows(n: number, from = 0): Row[] {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    return { id: i, name: `name-${(i * 7919) % 100_003}`, v: i / 3 };
  });
}

/** Versions that have a checkpoint in the table's `_delta_log`. */
function checkpointVersions(path: string): number[] {
  return readdirSync(join(path, '_delta_log'))
    .filter((f) => f.endsWith('.checkpoint.parquet'))
    .map((f) => Number(f.slice(0, 20)))
    .sort((a, b) => a - b);
}

const logger = createLogger({ level: 'silent' });
function connectors() {
  const registry = defaultConnectors();
  registerConnectors(registry);
  return registry;
}
const Item = z.object({ id: z.int(), name: z.string() });

describe('targetFileSize', () => {
  it('splits one batch into several files at a small target, one file without', async () => {
    // 20k rows go in one call, 40k are pipelined in chunks: both roll files.
    for (const n of [20_000, 40_000]) {
      const batch = rows(n);
      const small = await DeltaTable.create(tablePath(`small-${n}`), { schema });
      const written = await small.write(batch, { targetFileSize: 64 * 1024 });
      const files = (await small.snapshot()).files;
      expect(written.filesAdded).toBeGreaterThan(2);
      expect(files).toHaveLength(written.filesAdded);
      expect(files.reduce((sum, f) => sum + (f.numRecords ?? 0), 0)).toBe(n);
      expect(byId(await small.read())).toEqual(batch);

      const plain = await DeltaTable.create(tablePath(`plain-${n}`), { schema });
      expect((await plain.write(batch)).filesAdded).toBe(1);
    }
  });

  it("defaults to the table's delta.targetFileSize, for writes and for compaction", async () => {
    const table = await DeltaTable.create(tablePath('property'), {
      schema,
      properties: { 'delta.targetFileSize': String(64 * 1024) },
    });
    expect((await table.write(rows(20_000))).filesAdded).toBeGreaterThan(2);

    // Every file of a table whose target is 100 bytes is already "big enough" to compact,
    // unless the call asks for a larger target.
    const tiny = await DeltaTable.create(tablePath('tiny-target'), {
      schema,
      properties: { 'delta.targetFileSize': '100' },
    });
    for (let i = 0; i < 3; i++) await tiny.write(rows(3, i * 3));
    expect((await tiny.snapshot()).files).toHaveLength(3);
    expect(await tiny.compact()).toEqual({ version: null, filesAdded: 0, filesRemoved: 0 });
    expect(await tiny.compact({ targetSize: 64 * 1024 * 1024 })).toMatchObject({
      filesAdded: 1,
      filesRemoved: 3,
    });
  });

  it('is refused when not a positive integer', async () => {
    const table = await DeltaTable.create(tablePath('bad-size'), { schema });
    const err = await table.write(rows(1), { targetFileSize: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeltaError);
    expect((err as DeltaError).code).toBe('INVALID_ARGUMENT');
    expect((err as DeltaError).message).toContain(table.path);
    expect((err as DeltaError).message).toContain('targetFileSize');
  });

  it('sink.delta writes files of the target size and records it on the table', async () => {
    const path = tablePath('sink-size');
    const items = Array.from({ length: 20_000 }, (_, i) => ({ id: i, name: `item-${i * 7919}` }));
    const pipeline = source
      .memory({ schema: Item, rows: items, batchSize: 20_000 })
      .sink.delta({ path, targetFileSize: 64 * 1024 });
    const run = await runPipeline(pipeline, { connectors: connectors(), logger }).result;
    expect(run.stoppedBy).toBe('completed');
    const snapshot = await DeltaTable.at(path).snapshot();
    expect(snapshot.version).toBe(1); // create + one batch
    expect(snapshot.files.length).toBeGreaterThan(2);
    expect(snapshot.properties['delta.targetFileSize']).toBe(String(64 * 1024));
    expect(await DeltaTable.at(path).read()).toHaveLength(20_000);
  });
});

describe('checkpointInterval', () => {
  it('checkpoints the log after versions that are multiples of the interval', async () => {
    const option = await DeltaTable.create(tablePath('ckpt-option'), { schema });
    for (let i = 0; i < 5; i++) await option.write(rows(2, i * 2), { checkpointInterval: 2 });
    expect(checkpointVersions(option.path)).toEqual([2, 4]);
    const last = JSON.parse(
      readFileSync(join(option.path, '_delta_log', '_last_checkpoint'), 'utf8'),
    );
    expect(last.version).toBe(4);
    expect(byId(await option.read())).toEqual(rows(10));

    // The table property is the default; without either, Delta's 100.
    const property = await DeltaTable.create(tablePath('ckpt-property'), {
      schema,
      properties: { 'delta.checkpointInterval': '3' },
    });
    const none = await DeltaTable.create(tablePath('ckpt-none'), { schema });
    for (let i = 0; i < 6; i++) {
      await property.write(rows(1, i));
      await none.write(rows(1, i));
    }
    expect(checkpointVersions(property.path)).toEqual([3, 6]);
    expect(checkpointVersions(none.path)).toEqual([]);
  });

  it('sink.delta checkpoints every N commits, and the checkpoints read back in Python', async () => {
    const path = tablePath('sink-ckpt');
    const items = Array.from({ length: 5 }, (_, i) => ({ id: i, name: `n${i}` }));
    const pipeline = source
      .memory({ schema: Item, rows: items, batchSize: 1 })
      .sink.delta({ path, checkpointInterval: 2 });
    await runPipeline(pipeline, { connectors: connectors(), logger }).result;
    expect((await DeltaTable.at(path).snapshot()).version).toBe(5);
    expect(checkpointVersions(path)).toEqual([2, 4]);
    const theirs = (await runPython('read_table.py', [path])) as { version: number; rows: Row[] };
    expect(theirs.version).toBe(5);
    expect(byId(theirs.rows)).toEqual(items);
  });
});

describe('pipelined writes (batches over two chunks)', () => {
  it('commit once: all rows in one version', async () => {
    const table = await DeltaTable.create(tablePath('chunked'), { schema });
    const batch = rows(50_000);
    const result = await table.write(batch, { appId: 'load', appVersion: 1 });
    expect(result).toMatchObject({ version: 1, skipped: false, rows: 50_000, filesAdded: 1 });
    expect(result.timings.encodeMs).toBeGreaterThan(0);
    expect(result.timings.nativeMs).toBeGreaterThan(0);
    expect(byId(await table.read())).toEqual(batch);
    expect((await table.history()).map((h) => h.operation)).toEqual(['WRITE', 'CREATE TABLE']);
    // A replay is skipped before anything is encoded into files.
    const replay = await table.write(batch, { appId: 'load', appVersion: 1 });
    expect(replay).toMatchObject({ skipped: true, version: 1, rows: 0 });
  });

  it('leave the table unchanged when a later chunk fails, naming the row', async () => {
    const table = await DeltaTable.create(tablePath('chunk-fails'), { schema });
    const batch = rows(50_000);
    batch[40_000] = { id: 40_000, name: 'x', v: 'not a number' };
    const err = await table.write(batch).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeltaError);
    expect((err as DeltaError).code).toBe('SCHEMA_MISMATCH');
    expect((err as DeltaError).message).toContain('row 40000, column v');
    expect((err as DeltaError).tablePath).toBe(table.path);
    expect(await table.version()).toBe(0);
    // The table was released: the next writes (one pipelined, one not) go through, concurrently.
    const [big, small] = await Promise.all([table.write(rows(40_000)), table.write(rows(5, -5))]);
    expect([big.version, small.version].sort()).toEqual([1, 2]);
    expect(await table.read()).toHaveLength(40_005);
  });
});
