import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type SinkType, type SourceType, schemaFromZod } from '@pipekit/core';
import { afterAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { describeTable, registerConnectors } from '../src/index.js';
import { connection, pgHostPort, sql, unique } from './helpers.js';

const table = unique('customers');
const tmp = fileURLToPath(new URL(`./.tmp-${table}.ts`, import.meta.url));

afterAll(async () => {
  rmSync(tmp, { force: true });
  await sql(`DROP TABLE IF EXISTS ${table}`);
});

describe('describeTable (pipe schema postgres --table ...)', () => {
  it('prints a zod schema that declares the columns as the source reads them', async () => {
    await sql(`CREATE TABLE ${table} (
      id bigint PRIMARY KEY, age int2, visits int4 NOT NULL, balance numeric(12,2), raw numeric, ratio real, score float8,
      active boolean NOT NULL, name text NOT NULL, email varchar(200), ext uuid, born date, seen timestamp, at timestamptz,
      prefs jsonb, tags text[], "first name" text)`);
    const text = await describeTable(connection, table);
    expect(text).toContain("import { decimal, long } from '@pipekit/core';");
    expect(text).toContain('  id: long(),');
    expect(text).toContain('  balance: decimal(12, 2).nullable(),');
    expect(text).toContain(
      '  raw: z.string().nullable(), // numeric without precision: exact decimal text',
    );
    expect(text).toContain('  "first name": z.string().nullable(),');
    // The printed source is real TypeScript: load it and read its columns.
    writeFileSync(tmp, text);
    const mod = (await import(tmp)) as Record<string, z.ZodObject>;
    const schema = schemaFromZod(Object.values(mod)[0]!);
    expect(schema.fields.map((f) => [f.name, f.type, f.nullable])).toEqual([
      ['id', 'long', false],
      ['age', 'long', true],
      ['visits', 'long', false],
      ['balance', 'decimal(12,2)', true],
      ['raw', 'string', true],
      ['ratio', 'double', true],
      ['score', 'double', true],
      ['active', 'boolean', false],
      ['name', 'string', false],
      ['email', 'string', true],
      ['ext', 'string', true],
      ['born', 'date', true],
      ['seen', 'timestamp', true],
      ['at', 'timestamp', true],
      ['prefs', 'string', true],
      ['tags', { type: 'array', elementType: 'string', containsNull: true }, true],
      ['first name', 'string', true],
    ]);
  });

  it('a missing table is named', async () => {
    await expect(describeTable(connection, 'no_such_table_xyz')).rejects.toThrow(
      `table no_such_table_xyz does not exist at ${pgHostPort}`,
    );
  });
});

describe('registerConnectors', () => {
  it('registers the postgres source and sink', () => {
    const got: string[] = [];
    const registry = {
      registerSource(type: SourceType) {
        got.push(`source:${type}`);
        return registry;
      },
      registerSink(type: SinkType) {
        got.push(`sink:${type}`);
        return registry;
      },
    };
    registerConnectors(registry as never);
    expect(got).toEqual(['source:postgres', 'sink:postgres']);
  });
});
