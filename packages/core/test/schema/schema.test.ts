import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  decimal,
  epochMillis,
  long,
  PipekitError,
  parseDdl,
  parseSparkType,
  toSchema,
} from '../../src/index.js';

describe('schemas', () => {
  it('a zod object, a DDL string and a field list give the same schema', () => {
    const fromZod = toSchema(
      z.object({
        user_id: z.string(),
        amount: decimal(10, 2).nullable(),
        ts: z.coerce.date().nullable(),
        n: long(),
      }),
    );
    const fromDdl = toSchema(
      'user_id STRING NOT NULL, amount DECIMAL(10,2), ts TIMESTAMP, n BIGINT NOT NULL',
    );
    const fromFields = toSchema([
      { name: 'user_id', type: 'string', nullable: false },
      { name: 'amount', type: 'decimal(10,2)' },
      { name: 'ts', type: 'timestamp', nullable: true },
      { name: 'n', type: 'long', nullable: false },
    ]);
    expect(fromDdl).toEqual(fromZod);
    expect(fromFields).toEqual(fromZod);
  });

  it('maps zod types to Spark types', () => {
    const s = toSchema(
      z.object({
        s: z.string(),
        e: z.enum(['a', 'b']),
        d: z.number(),
        i: z.int(),
        b: z.boolean(),
        t: z.date(),
        o: z.string().optional(),
        arr: z.array(z.number()),
        nested: z.object({ x: z.int() }),
        ms: epochMillis(),
        withDefault: z.string().default('x'),
      }),
    );
    expect(s.fields.map((f) => [f.name, f.type, f.nullable])).toEqual([
      ['s', 'string', false],
      ['e', 'string', false],
      ['d', 'double', false],
      ['i', 'long', false],
      ['b', 'boolean', false],
      ['t', 'timestamp', false],
      ['o', 'string', true],
      ['arr', { type: 'array', elementType: 'double', containsNull: false }, false],
      ['nested', { type: 'struct', fields: [{ name: 'x', type: 'long', nullable: false }] }, false],
      ['ms', 'long', false],
      ['withDefault', 'string', false],
    ]);
    expect(s.fields.find((f) => f.name === 'ms')?.logical).toBe('epochMillis');
  });

  it.each([
    ['INT', 'integer'],
    ['bigint', 'long'],
    ['Decimal(38, 18)', 'decimal(38,18)'],
    ['decimal', 'decimal(10,0)'],
    ['varchar(20)', 'string'],
    ['tinyint', 'byte'],
    ['real', 'float'],
  ])('Spark type %s is %s', (text, type) => {
    expect(parseSparkType(text)).toBe(type);
  });

  it('parses nested DDL types, backquoted names and comments', () => {
    const s = parseDdl(
      "`order id` BIGINT, tags ARRAY<STRING>, attrs MAP<STRING, INT>, p STRUCT<a:INT, b:STRING> COMMENT 'x, y'",
    );
    expect(s.fields.map((f) => f.name)).toEqual(['order id', 'tags', 'attrs', 'p']);
    expect(s.fields[1]?.type).toEqual({ type: 'array', elementType: 'string', containsNull: true });
    expect(s.fields[2]?.type).toEqual({
      type: 'map',
      keyType: 'string',
      valueType: 'integer',
      valueContainsNull: true,
    });
  });

  it('says which DDL column is wrong', () => {
    expect(() => parseDdl('a STRING, b WIDGET')).toThrow(
      /column 'b' has an unknown type\n\[1\]\.type: unknown type 'WIDGET'/,
    );
    expect(() => parseDdl('a STRING, 42')).toThrow(PipekitError);
    expect(() => toSchema('a STRING, a INT')).toThrow(/'a' twice/);
  });
});
