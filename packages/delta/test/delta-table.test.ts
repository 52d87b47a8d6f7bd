import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DeltaError, DeltaTable, type Schema } from '../src/index.js';
import { allTypesRows, allTypesSchema, byId, tablePath } from './helpers.js';

const events: Schema = {
  fields: [
    { name: 'id', type: 'long', nullable: false },
    { name: 'country', type: 'string', nullable: true },
    { name: 'amount', type: 'double', nullable: true },
  ],
};

async function expectDeltaError(p: Promise<unknown>, code: string): Promise<DeltaError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DeltaError);
  expect((err as DeltaError).code).toBe(code);
  return err as DeltaError;
}

describe('DeltaTable', () => {
  it('round-trips rows of every type through a table', async () => {
    const table = await DeltaTable.create(tablePath('all-types'), { schema: allTypesSchema });
    const result = await table.write(allTypesRows);
    expect(result).toMatchObject({ version: 1, skipped: false, rows: 3 });
    expect(byId(await table.read())).toEqual(allTypesRows);
    const snapshot = await table.snapshot();
    expect(snapshot.schema).toEqual(allTypesSchema);
    expect(snapshot.version).toBe(1);
  });

  it('skips a replayed batch with the same app id and version', async () => {
    const table = await DeltaTable.create(tablePath('replay'), { schema: events });
    const batch = [{ id: 1, country: 'FR', amount: 1 }];
    const first = await table.write(batch, { appId: 'ingest', appVersion: 7 });
    const replay = await table.write(batch, { appId: 'ingest', appVersion: 7 });
    const older = await table.write(batch, { appId: 'ingest', appVersion: 6 });
    expect(first).toMatchObject({ skipped: false, version: 1 });
    expect(replay).toMatchObject({ skipped: true, version: 1, rows: 0 });
    expect(older.skipped).toBe(true);
    expect(await table.appTransactionVersion('ingest')).toBe(7);
    expect(await table.appTransactionVersion('other')).toBeNull();
    expect(await table.read()).toHaveLength(1);
    const next = await table.write(batch, { appId: 'ingest', appVersion: 8 });
    expect(next).toMatchObject({ skipped: false, version: 2 });
    // Replays racing each other inside one process still commit once.
    const racing = await Promise.all(
      [9, 9, 9].map(() => table.write(batch, { appId: 'ingest', appVersion: 9 })),
    );
    expect(racing.filter((r) => !r.skipped)).toHaveLength(1);
    expect(await table.read()).toHaveLength(3);
  });

  it('lands concurrent appends from one handle and from separate handles', async () => {
    const path = tablePath('concurrent');
    const a = await DeltaTable.create(path, { schema: events });
    const b = await DeltaTable.open(path);
    const writes = Array.from({ length: 6 }, (_, i) =>
      (i % 2 === 0 ? a : b).write([{ id: i, country: 'DE', amount: i }]),
    );
    const results = await Promise.all(writes);
    expect(new Set(results.map((r) => r.version)).size).toBe(6);
    expect(byId(await a.read()).map((r) => r.id)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(await b.version()).toBe(6);
  });

  it('lands concurrent appends from two processes (optimistic commits retry on conflict)', async () => {
    const path = tablePath('two-processes');
    const table = await DeltaTable.create(path, { schema: events });
    const worker = fileURLToPath(new URL('./fixtures/append-worker.ts', import.meta.url));
    const run = (first: number) =>
      new Promise<number[]>((resolve, reject) => {
        execFile(
          process.execPath,
          ['--conditions=@pipekit/source', '--import', 'tsx', worker, path, String(first), '5'],
          { timeout: 60_000 },
          (err, stdout, stderr) =>
            err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(JSON.parse(stdout)),
        );
      });
    const [a, b] = await Promise.all([run(0), run(100)]);
    expect(new Set([...a, ...b]).size).toBe(10);
    expect(await table.version()).toBe(10);
    const ids = byId(await table.read()).map((r) => r.id);
    expect(ids).toEqual([0, 1, 2, 3, 4, 100, 101, 102, 103, 104]);
  });

  it('rejects a schema-conflicting batch with SCHEMA_MISMATCH and leaves the table unchanged', async () => {
    const path = tablePath('conflict');
    const table = await DeltaTable.create(path, { schema: events });
    await table.write([{ id: 1, country: 'FR', amount: 2.5 }]);
    const before = await table.snapshot();
    const wrongType: Schema = {
      fields: [
        { name: 'id', type: 'string', nullable: false },
        { name: 'country', type: 'string', nullable: true },
      ],
    };
    const err = await expectDeltaError(
      table.write([{ id: 'x', country: 'FR' }], { schema: wrongType }),
      'SCHEMA_MISMATCH',
    );
    expect(err.tablePath).toBe(path);
    expect(err.message).toContain(path);
    expect(err.message).toMatch(/column `id`/);
    const extra: Schema = {
      fields: [...events.fields, { name: 'extra', type: 'integer', nullable: true }],
    };
    await expectDeltaError(
      table.write([{ id: 2, extra: 1 }], { schema: extra }),
      'SCHEMA_MISMATCH',
    );
    const after = await table.snapshot();
    expect(after.version).toBe(before.version);
    expect(after.files).toEqual(before.files);
    expect(await table.read()).toEqual([{ id: 1, country: 'FR', amount: 2.5 }]);
  });

  it('reports NOT_A_TABLE with the path for missing and non-Delta directories', async () => {
    const missing = tablePath('missing');
    const err = await expectDeltaError(DeltaTable.open(missing), 'NOT_A_TABLE');
    expect(err.tablePath).toBe(missing);
    expect(err.message).toContain(missing);
    const plain = tablePath('plain-dir');
    mkdirSync(plain, { recursive: true });
    await expectDeltaError(DeltaTable.open(plain), 'NOT_A_TABLE');
    await expectDeltaError(DeltaTable.at(plain).read(), 'NOT_A_TABLE');
    await expectDeltaError(
      DeltaTable.at(plain).write([{ id: 1 }], { schema: events }),
      'NOT_A_TABLE',
    );
    expect(existsSync(`${plain}/_delta_log`)).toBe(false);
  });

  it('refuses to create over an existing table unless told to keep it', async () => {
    const path = tablePath('twice');
    await DeltaTable.create(path, { schema: events });
    await expectDeltaError(DeltaTable.create(path, { schema: events }), 'INVALID_ARGUMENT');
    const kept = await DeltaTable.create(path, { schema: events, ifExists: 'ignore' });
    expect(await kept.version()).toBe(0);
  });

  it('overwrites all rows in one commit', async () => {
    const table = await DeltaTable.create(tablePath('overwrite'), { schema: events });
    await table.write([{ id: 1 }, { id: 2 }]);
    const r = await table.write([{ id: 3, country: 'IT' }], { mode: 'overwrite' });
    expect(r.version).toBe(2);
    expect(await table.read()).toEqual([{ id: 3, country: 'IT', amount: null }]);
    expect((await table.snapshot()).files).toHaveLength(1);
    expect(await table.read({ version: 1 })).toHaveLength(2);
  });

  it('adds a nullable column with mergeSchema; old rows read it as null', async () => {
    const table = await DeltaTable.create(tablePath('merge'), { schema: events });
    await table.write([{ id: 1, country: 'FR' }]);
    const wider: Schema = {
      fields: [...events.fields, { name: 'note', type: 'string', nullable: false }],
    };
    const r = await table.write([{ id: 2, note: 'new' }], { schema: wider, mergeSchema: true });
    expect(r.addedColumns).toEqual(['note']);
    const schema = await table.schema();
    expect(schema.fields.at(-1)).toEqual({ name: 'note', type: 'string', nullable: true });
    expect(byId(await table.read())).toEqual([
      { id: 1, country: 'FR', amount: null, note: null },
      { id: 2, country: null, amount: null, note: 'new' },
    ]);
    // Later writes with the narrower schema fill the new column with nulls.
    await table.write([{ id: 3 }], { schema: events });
    expect(await table.read()).toHaveLength(3);
  });

  it('writes partitioned tables: one directory per value, partition values read back', async () => {
    const path = tablePath('partitioned');
    const table = await DeltaTable.create(path, { schema: events, partitionBy: ['country'] });
    await table.write([
      { id: 1, country: 'FR', amount: 1 },
      { id: 2, country: 'DE', amount: 2 },
      { id: 3, country: 'FR', amount: 3 },
      { id: 4, country: null, amount: 4 },
    ]);
    const snapshot = await table.snapshot();
    expect(snapshot.partitionColumns).toEqual(['country']);
    const values = snapshot.files.map((f) => f.partitionValues.country).sort();
    expect(values).toEqual(['DE', 'FR', null]);
    expect(snapshot.files.every((f) => f.numRecords !== null)).toBe(true);
    expect(byId(await table.read())).toEqual([
      { id: 1, country: 'FR', amount: 1 },
      { id: 2, country: 'DE', amount: 2 },
      { id: 3, country: 'FR', amount: 3 },
      { id: 4, country: null, amount: 4 },
    ]);
    expect(existsSync(`${path}/country=FR`)).toBe(true);
  });

  it('time travels by version and by timestamp', async () => {
    const table = await DeltaTable.create(tablePath('travel'), { schema: events });
    await table.write([{ id: 1 }]);
    await new Promise((r) => setTimeout(r, 50));
    const between = Date.now();
    await new Promise((r) => setTimeout(r, 50));
    await table.write([{ id: 2 }]);
    expect(await table.read({ version: 0 })).toEqual([]);
    expect(await table.read({ version: 1 })).toHaveLength(1);
    expect(await table.read({ timestamp: between })).toHaveLength(1);
    expect((await table.snapshot({ timestamp: new Date(between) })).version).toBe(1);
    expect(await table.read({ timestamp: Date.now() + 1000 })).toHaveLength(2);
    const err = await expectDeltaError(table.read({ version: 9 }), 'INVALID_ARGUMENT');
    expect(err.message).toMatch(/version 9 does not exist \(latest is 2\)/);
  });

  it('reads the rows appended by a version range', async () => {
    const table = await DeltaTable.create(tablePath('range'), { schema: events });
    for (const id of [1, 2, 3]) await table.write([{ id }]);
    expect((await table.readVersions(2, 3)).map((r) => r.id)).toEqual([2, 3]);
    expect((await table.readVersions(1)).map((r) => r.id)).toEqual([1, 2, 3]);
    await table.write([{ id: 9 }], { mode: 'overwrite' });
    await expectDeltaError(table.readVersions(1, 4), 'INVALID_ARGUMENT');
  });

  it('records history newest first with operations and app transactions', async () => {
    const table = await DeltaTable.create(tablePath('history'), { schema: events });
    await table.write([{ id: 1 }], { appId: 'job', appVersion: 1 });
    await table.write([{ id: 2 }], { mode: 'overwrite' });
    const history = await table.history();
    expect(history.map((h) => h.version)).toEqual([2, 1, 0]);
    expect(history.map((h) => h.operation)).toEqual(['WRITE', 'WRITE', 'CREATE TABLE']);
    expect(history[0]?.operationParameters.mode).toBe('Overwrite');
    expect(history[1]?.appTransactions).toEqual({ job: 1 });
    expect(history[2]?.timestamp).toBeInstanceOf(Date);
    expect(await table.history(1)).toHaveLength(1);
  });
});
