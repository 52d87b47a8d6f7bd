import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DeltaError, DeltaTable, type Schema } from '../src/index.js';
import { byId, runPython, tablePath } from './helpers.js';

const schema: Schema = {
  fields: [
    { name: 'id', type: 'long', nullable: false },
    { name: 'part', type: 'string', nullable: true },
    { name: 'v', type: 'double', nullable: true },
  ],
};

describe('change data feed', () => {
  it('reports inserts and deletes with commit version and timestamp', async () => {
    const table = await DeltaTable.create(tablePath('cdf'), {
      schema,
      properties: { 'delta.enableChangeDataFeed': 'true' },
    });
    expect((await table.snapshot()).properties['delta.enableChangeDataFeed']).toBe('true');
    await table.write([
      { id: 1, v: 1 },
      { id: 2, v: 2 },
    ]);
    await table.write([{ id: 3, v: 3 }]);
    await table.write([{ id: 4, v: 4 }], { mode: 'overwrite' });
    const changes = await table.readChangeFeed(1);
    const summary = changes.map((c) => [c._commit_version, c._change_type, c.id]);
    expect(summary.sort()).toEqual(
      [
        [1, 'insert', 1],
        [1, 'insert', 2],
        [2, 'insert', 3],
        [3, 'delete', 1],
        [3, 'delete', 2],
        [3, 'delete', 3],
        [3, 'insert', 4],
      ].sort(),
    );
    const history = await table.history();
    const v2 = history.find((h) => h.version === 2)!;
    for (const c of changes.filter((c) => c._commit_version === 2)) {
      expect(c._commit_timestamp.getTime()).toBe(v2.timestamp.getTime());
    }
    expect((await table.readChangeFeed(2, 2)).map((c) => c.id)).toEqual([3]);
    // The independent reader derives the same feed from our commits.
    const theirs = (await runPython('read_cdf.py', [table.path, '1'])) as {
      id: number;
      _change_type: string;
      _commit_version: number;
    }[];
    expect(theirs.map((c) => [c._commit_version, c._change_type, c.id]).sort()).toEqual(
      summary.sort(),
    );
    // Vacuum works on change-feed tables too (delta-rs alone needs DataFusion for them).
    const removed = await table.vacuum({ retentionHours: 0, enforceRetention: false });
    expect(removed).toHaveLength(2);
    expect(await table.read()).toEqual([{ id: 4, part: null, v: 4 }]);
    expect((await table.history(2)).map((h) => h.operation)).toEqual([
      'VACUUM END',
      'VACUUM START',
    ]);
  });

  it('is refused on a table without the property', async () => {
    const table = await DeltaTable.create(tablePath('no-cdf'), { schema });
    await table.write([{ id: 1 }]);
    const err = await table.readChangeFeed(0).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeltaError);
    expect((err as DeltaError).code).toBe('INVALID_ARGUMENT');
  });
});

describe('checkpoint, compaction and vacuum', () => {
  it('compacts small files per partition, keeps the rows, then vacuums the replaced files', async () => {
    const path = tablePath('maintenance');
    const table = await DeltaTable.create(path, { schema, partitionBy: ['part'] });
    for (let i = 0; i < 6; i++) {
      await table.write([
        { id: i, part: 'a', v: i },
        { id: 100 + i, part: 'b', v: i },
      ]);
    }
    const before = await table.snapshot();
    expect(before.files).toHaveLength(12);
    const rowsBefore = byId(await table.read());

    expect(await table.checkpoint()).toBe(6);
    expect(readdirSync(`${path}/_delta_log`).some((f) => f.endsWith('.checkpoint.parquet'))).toBe(
      true,
    );

    const compacted = await table.compact({ targetSize: 64 * 1024 * 1024 });
    expect(compacted).toEqual({ version: 7, filesAdded: 2, filesRemoved: 12 });
    const after = await table.snapshot();
    expect(after.files).toHaveLength(2);
    expect(byId(await table.read())).toEqual(rowsBefore);
    // Compaction changes no data: an append-only range read skips it.
    expect(await table.readVersions(7, 7)).toEqual([]);
    const history = await table.history(1);
    expect(history[0]?.operation).toBe('OPTIMIZE');
    expect(await table.compact({ targetSize: 64 * 1024 * 1024 })).toEqual({
      version: null,
      filesAdded: 0,
      filesRemoved: 0,
    });

    const dry = await table.vacuum({ retentionHours: 0, enforceRetention: false, dryRun: true });
    expect(dry).toHaveLength(12);
    const deleted = await table.vacuum({ retentionHours: 0, enforceRetention: false });
    expect(deleted.sort()).toEqual(dry.sort());
    const parquetFiles = ['part=a', 'part=b'].flatMap((d) =>
      readdirSync(`${path}/${d}`).filter((f) => f.endsWith('.parquet')),
    );
    expect(parquetFiles).toHaveLength(2);
    expect(byId(await table.read())).toEqual(rowsBefore);
    // The default retention (7 days) refuses to delete just-removed files.
    const err = await table.vacuum({ retentionHours: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeltaError);
  });
});
