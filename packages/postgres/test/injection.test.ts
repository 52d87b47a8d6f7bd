import { afterAll, describe, expect, it } from 'vitest';
import {
  PostgresBatchReader,
  PostgresIncrementalReader,
  PostgresWriter,
  quoteIdent,
  resolveConnection,
} from '../src/index.js';
import { connection, drain, sinkCtx, sourceCtx, sql, unique } from './helpers.js';

const conn = resolveConnection(connection);
const canary = unique('canary');
const evilTable = `"; DROP TABLE ${canary}; --`;
const evilColumn = `x"; DROP TABLE ${canary}; --`;
const schema = {
  fields: [
    { name: 'id', type: 'integer', nullable: false },
    { name: evilColumn, type: 'string', nullable: true },
  ],
} as const;

afterAll(async () => {
  await sql(`DROP TABLE IF EXISTS ${quoteIdent(evilTable)}`);
  await sql(`DROP TABLE IF EXISTS ${canary}`);
});

describe('hostile names and values', () => {
  it(`a table and a column named like '"; DROP TABLE x; --' are just names`, async () => {
    await sql(`CREATE TABLE ${canary} (id int)`);
    const evilValue = `'); DROP TABLE ${canary}; --\t\\N\n`;
    const w = new PostgresWriter(
      {
        type: 'postgres',
        connection,
        table: evilTable,
        mode: 'upsert',
        key: ['id'],
        createTable: true,
      },
      sinkCtx(),
      conn,
    );
    try {
      await w.writeBatch({
        queryId: canary,
        batchId: 0,
        rows: [
          { id: 1, [evilColumn]: evilValue },
          { id: 2, [evilColumn]: null },
        ],
        schema,
      });
      await w.writeBatch({
        queryId: canary,
        batchId: 1,
        rows: [{ id: 2, [evilColumn]: 'two' }],
        schema,
      });
    } finally {
      await w.close();
    }
    const reader = await PostgresBatchReader.open(
      {
        type: 'postgres',
        connection,
        table: evilTable,
        fetchSize: 10,
        partitionColumn: 'id',
        numPartitions: 2,
      },
      sourceCtx(schema),
      conn,
    );
    const { rows } = await drain(reader, reader.initialOffset()).finally(() => reader.close());
    rows.sort((a, b) => (a.id as number) - (b.id as number));
    expect(rows).toEqual([
      { id: 1, [evilColumn]: evilValue },
      { id: 2, [evilColumn]: 'two' },
    ]);
    const inc = new PostgresIncrementalReader(
      {
        type: 'postgres',
        connection,
        table: evilTable,
        fetchSize: 10,
        incremental: { column: 'id', pollInterval: 10 },
      },
      sourceCtx(schema),
      conn,
    );
    const polled = await drain(inc, inc.initialOffset(), {}, undefined, 5).finally(() =>
      inc.close(),
    );
    expect(polled.rows).toHaveLength(2);
    // The canary survived every statement.
    expect(await sql(`SELECT to_regclass($1) IS NOT NULL AS alive`, [canary])).toEqual([
      { alive: true },
    ]);
  });
});
