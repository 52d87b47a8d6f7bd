import { decimal, long } from '@pipekit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PostgresBatchReader, PostgresWriter, resolveConnection } from '../src/index.js';
import { connection, drain, sinkCtx, sourceCtx, sql, unique } from './helpers.js';

const table = unique('types');
const conn = resolveConnection(connection);

const columns = `
  id int4 PRIMARY KEY, i2 int2, i8 int8, num numeric(12,2), num_free numeric, f4 real, f8 double precision,
  b boolean, t text, vc varchar(20), u uuid, d date, ts timestamp, tstz timestamptz(6), j json, jb jsonb,
  ai int4[], at text[], ats timestamptz[]`;

const Row = z.object({
  id: z.int(),
  i2: z.int().nullable(),
  i8: long().nullable(),
  num: decimal(12, 2).nullable(),
  num_free: z.string().nullable(),
  f4: z.number().nullable(),
  f8: z.number().nullable(),
  b: z.boolean().nullable(),
  t: z.string().nullable(),
  vc: z.string().nullable(),
  u: z.uuid().nullable(),
  d: z.coerce.date().meta({ pipekitType: 'date' }).nullable(),
  ts: z.coerce.date().nullable(),
  tstz: z.coerce.date().nullable(),
  j: z.string().nullable(),
  jb: z.record(z.string(), z.array(z.int())).nullable(),
  ai: z.array(z.int().nullable()).nullable(),
  at: z.array(z.string().nullable()).nullable(),
  ats: z.array(z.coerce.date()).nullable(),
});

const full = {
  id: 1,
  i2: -32768,
  i8: 9007199254740991,
  num: 1234567890.12,
  num_free: '3.14159265358979323846264338327950288',
  f4: 1.5,
  f8: -2.25e-300,
  b: true,
  t: 'tab\there, newline\nthere, backslash \\ and "quotes" and émoji 🎉',
  vc: 'short',
  u: '0b7e1c36-0a4c-4a38-8a51-7c2c6e6f6d1e',
  d: new Date('2024-02-29T00:00:00Z'),
  ts: new Date('2024-05-01T12:34:56.789Z'),
  tstz: new Date('1999-12-31T23:59:59.001Z'),
  j: '{"a": [1, 2]}',
  jb: { a: [1, 2], b: [] },
  ai: [1, null, 3],
  at: ['x', 'with "quote"', 'with,comma', null, 'back\\slash', '{braces}'],
  ats: [new Date('2024-01-01T00:00:00Z'), new Date('2024-01-02T03:04:05.678Z')],
};
const empty = Object.fromEntries(Object.keys(full).map((k) => [k, k === 'id' ? 2 : null]));

describe('type mapping', () => {
  beforeAll(async () => {
    await sql(`CREATE TABLE ${table} (${columns})`);
  });
  afterAll(async () => {
    await sql(`DROP TABLE IF EXISTS ${table}`);
  });

  it('writes every type through the sink and reads it back as the server stored it', async () => {
    const writer = new PostgresWriter(
      { type: 'postgres', connection, table, mode: 'append', createTable: false },
      sinkCtx('types-sink', table),
      conn,
    );
    const schema = sourceCtx(Row).schema;
    await writer.writeBatch({ queryId: table, batchId: 0, rows: [full, empty], schema });
    await writer.close();
    // What the server holds, as its own text: proves the write direction independently of our reader.
    const [text] = await sql<Record<string, string>>(
      `SELECT i2::text, i8::text, num::text, num_free::text, f4::text, f8::text, b::text, t, vc, u::text, d::text,
              ts::text, tstz::text, j::text, jb::text, ai::text, at::text, ats::text FROM ${table} WHERE id = 1`,
    );
    expect(text).toEqual({
      i2: '-32768',
      i8: '9007199254740991',
      num: '1234567890.12',
      num_free: '3.14159265358979323846264338327950288',
      f4: '1.5',
      f8: '-2.25e-300',
      b: 'true',
      t: full.t,
      vc: 'short',
      u: full.u,
      d: '2024-02-29',
      ts: '2024-05-01 12:34:56.789',
      tstz: '1999-12-31 23:59:59.001+00',
      j: '{"a": [1, 2]}',
      jb: '{"a": [1, 2], "b": []}',
      ai: '{1,NULL,3}',
      at: '{x,"with \\"quote\\"","with,comma",NULL,"back\\\\slash","{braces}"}',
      ats: '{"2024-01-01 00:00:00+00","2024-01-02 03:04:05.678+00"}',
    });
    const [nulls] = await sql<{ n: number }>(
      `SELECT num_nonnulls(${Object.keys(full).slice(1).join(', ')}) AS n FROM ${table} WHERE id = 2`,
    );
    expect(nulls?.n).toBe(0);
  });

  it('reads every type into the declared row type', async () => {
    const reader = await PostgresBatchReader.open(
      { type: 'postgres', connection, table, fetchSize: 10 },
      sourceCtx(Row),
      conn,
    );
    const { rows } = await drain(reader, reader.initialOffset() as never).finally(() =>
      reader.close(),
    );
    rows.sort((a, b) => (a.id as number) - (b.id as number));
    expect(rows).toEqual([full, empty]);
  });

  it('without a schema: numeric stays exact text, json is parsed, int8 a number', async () => {
    await sql(
      `INSERT INTO ${table} (id, i8, num, j, jb) VALUES (3, 42, 0.10, '{"x":1}', '[1,"a",null]')`,
    );
    const reader = await PostgresBatchReader.open(
      {
        type: 'postgres',
        connection,
        query: `SELECT id, i8, num, j, jb FROM ${table} WHERE id = 3`,
        fetchSize: 10,
      },
      sourceCtx(null),
      conn,
    );
    const { rows } = await drain(reader, reader.initialOffset() as never).finally(() =>
      reader.close(),
    );
    expect(rows).toEqual([{ id: 3, i8: 42, num: '0.10', j: { x: 1 }, jb: [1, 'a', null] }]);
  });

  it('refuses a schema that does not fit the table, naming the column', async () => {
    const reader = await PostgresBatchReader.open(
      { type: 'postgres', connection, table, fetchSize: 10 },
      sourceCtx(z.object({ id: z.int(), t: z.number() })),
      conn,
    );
    await expect(drain(reader, reader.initialOffset() as never)).rejects.toThrow(
      /column 't' is text in Postgres but the schema declares double/,
    );
    await reader.close();
  });
});
