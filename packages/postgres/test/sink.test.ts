import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PostgresWriter, resolveConnection } from '../src/index.js';
import { connection, sinkCtx, sourceCtx, sql, unique } from './helpers.js';

const conn = resolveConnection(connection);
const Row = z.object({ id: z.int(), name: z.string(), score: z.number().nullable() });
const schema = sourceCtx(Row).schema;
const created: string[] = [];

function table(prefix: string): string {
  const t = unique(prefix);
  created.push(t);
  return t;
}

function writer(
  t: string,
  mode: 'append' | 'upsert' | 'overwrite',
  extra: { key?: string[]; createTable?: boolean; nodeId?: string } = {},
) {
  return new PostgresWriter(
    {
      type: 'postgres',
      connection,
      table: t,
      mode,
      createTable: extra.createTable ?? false,
      ...(extra.key ? { key: extra.key } : {}),
    },
    sinkCtx(extra.nodeId ?? 'sink', t),
    conn,
  );
}

const contents = (t: string) =>
  sql<{ id: number; name: string; score: number | null }>(
    `SELECT id::int, name, score FROM ${t} ORDER BY id`,
  );

afterAll(async () => {
  for (const t of created) await sql(`DROP TABLE IF EXISTS ${t}`);
});

describe('postgres sink', () => {
  it('appends with COPY, creating the table from the row type', async () => {
    const t = table('append');
    const w = writer(t, 'append', { createTable: true });
    try {
      await w.writeBatch({
        queryId: t,
        batchId: 0,
        rows: [{ id: 1, name: 'a', score: 1.5 }],
        schema,
      });
      await w.writeBatch({
        queryId: t,
        batchId: 1,
        rows: [{ id: 2, name: 'b', score: null }],
        schema,
      });
    } finally {
      await w.close();
    }
    expect(await contents(t)).toEqual([
      { id: 1, name: 'a', score: 1.5 },
      { id: 2, name: 'b', score: null },
    ]);
    const cols = await sql<{ column_name: string; data_type: string; is_nullable: string }>(
      `SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`,
      [t],
    );
    expect(cols).toEqual([
      { column_name: 'id', data_type: 'bigint', is_nullable: 'NO' },
      { column_name: 'name', data_type: 'text', is_nullable: 'NO' },
      { column_name: 'score', data_type: 'double precision', is_nullable: 'YES' },
    ]);
  });

  it('replaying a committed batch writes nothing; the commit row names query, sink and batch', async () => {
    const t = table('replay');
    const w = writer(t, 'append', { createTable: true });
    const batch = { queryId: t, batchId: 7, rows: [{ id: 1, name: 'a', score: 1 }], schema };
    try {
      await w.writeBatch(batch);
      await w.writeBatch(batch);
    } finally {
      await w.close();
    }
    // A new writer (a restarted pipeline) replays it too.
    const again = writer(t, 'append');
    await again.writeBatch(batch);
    await again.close();
    expect(await contents(t)).toHaveLength(1);
    expect(
      await sql(
        `SELECT query_id, sink_id, batch_id::int FROM pipekit_commits WHERE query_id = $1`,
        [t],
      ),
    ).toEqual([{ query_id: t, sink_id: 'sink', batch_id: 7 }]);
    // Another sink of the same query is a different writer: it writes its own copy.
    const other = writer(t, 'append', { nodeId: 'sink-2' });
    await other.writeBatch(batch);
    await other.close();
    expect(await contents(t)).toHaveLength(2);
  });

  it('upserts by key: updates existing rows, inserts new ones, last row of a key in a batch wins', async () => {
    const t = table('upsert');
    await sql(
      `CREATE TABLE ${t} (id int PRIMARY KEY, name text NOT NULL, score float8, untouched text DEFAULT 'keep')`,
    );
    await sql(`INSERT INTO ${t} (id, name, score) VALUES (1, 'old', 1), (2, 'two', 2)`);
    const w = writer(t, 'upsert', { key: ['id'] });
    try {
      await w.writeBatch({
        queryId: t,
        batchId: 0,
        rows: [
          { id: 1, name: 'first', score: 10 },
          { id: 3, name: 'three', score: null },
          { id: 1, name: 'new', score: 11 },
        ],
        schema,
      });
    } finally {
      await w.close();
    }
    expect(await sql(`SELECT id, name, score, untouched FROM ${t} ORDER BY id`)).toEqual([
      { id: 1, name: 'new', score: 11, untouched: 'keep' },
      { id: 2, name: 'two', score: 2, untouched: 'keep' },
      { id: 3, name: 'three', score: null, untouched: 'keep' },
    ]);
  });

  it('upsert on a table without a matching key says what is missing', async () => {
    const t = table('nokey');
    await sql(`CREATE TABLE ${t} (id int, name text, score float8)`);
    const w = writer(t, 'upsert', { key: ['id'] });
    await expect(
      w.writeBatch({ queryId: t, batchId: 0, rows: [{ id: 1, name: 'a', score: 1 }], schema }),
    ).rejects.toThrow(/upsert needs a primary key or unique index on \(id\)/);
    await w.close();
  });

  it('overwrite replaces the content atomically; a failure midway leaves the old content', async () => {
    const t = table('overwrite');
    await sql(`CREATE TABLE ${t} (id int PRIMARY KEY, name text NOT NULL, score float8)`);
    await sql(`INSERT INTO ${t} VALUES (1, 'old', 1), (2, 'old', 2)`);
    const w = writer(t, 'overwrite');
    try {
      // 5000 good rows, then one that breaks NOT NULL: the TRUNCATE and the COPY must both be undone.
      const bad = [
        ...Array.from({ length: 5000 }, (_, i) => ({ id: i + 10, name: 'new', score: i })),
        { id: 99999, name: null, score: 0 },
      ];
      await expect(w.writeBatch({ queryId: t, batchId: 0, rows: bad, schema })).rejects.toThrow(
        /null value in column "name"/,
      );
      expect(await contents(t)).toEqual([
        { id: 1, name: 'old', score: 1 },
        { id: 2, name: 'old', score: 2 },
      ]);
      // Batch 0 did not commit, so the runtime's retry of it is written.
      await w.writeBatch({
        queryId: t,
        batchId: 0,
        rows: [{ id: 5, name: 'new', score: 5 }],
        schema,
      });
    } finally {
      await w.close();
    }
    expect(await contents(t)).toEqual([{ id: 5, name: 'new', score: 5 }]);
  });

  it('a column the table lacks, or a missing table, is a clear error', async () => {
    const t = table('missing');
    const w = writer(t, 'append');
    await expect(
      w.writeBatch({ queryId: t, batchId: 0, rows: [{ id: 1, name: 'a', score: 1 }], schema }),
    ).rejects.toThrow(new RegExp(`table ${t} does not exist .*createTable: true`));
    await w.close();
    await sql(`CREATE TABLE ${t} (id int, name text)`);
    const w2 = writer(t, 'append');
    await expect(
      w2.writeBatch({ queryId: t, batchId: 0, rows: [{ id: 1, name: 'a', score: 1 }], schema }),
    ).rejects.toThrow(/has no column 'score'/);
    await w2.close();
  });
});
