import { tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { decimalWords } from '../src/arrow-encode.js';
import {
  DeltaError,
  decimalToNumber,
  decodeRows,
  encodeRowRange,
  encodeRows,
  type Row,
  type Schema,
} from '../src/index.js';
import { allTypesRows, allTypesSchema } from './helpers.js';

describe('Arrow IPC codec', () => {
  it('round-trips every type without a native call', () => {
    const rows = decodeRows(encodeRows(allTypesRows, allTypesSchema));
    expect(rows).toEqual(allTypesRows);
  });

  it('writes strings as plain Utf8, timestamps as UTC microseconds, nullability from the schema', () => {
    const table = tableFromIPC(encodeRows(allTypesRows, allTypesSchema));
    const field = (name: string) => table.schema.fields.find((f) => f.name === name)!;
    expect(String(field('s').type)).toBe('Utf8');
    expect(String(field('ts').type)).toBe('Timestamp<MICROSECOND, UTC>');
    expect(String(field('day').type)).toBe('Date32<DAY>');
    expect(String(field('id').type)).toBe('Int64');
    expect(field('amount').type).toMatchObject({ precision: 12, scale: 2, bitWidth: 128 });
    expect(field('id').nullable).toBe(false);
    expect(field('s').nullable).toBe(true);
  });

  it('encodes decimals exactly, including negatives and strings', () => {
    expect(decimalToNumber(decimalWords(1234.56, 12, 2, 'x'), 2)).toBe(1234.56);
    expect(decimalToNumber(decimalWords(-0.05, 12, 2, 'x'), 2)).toBe(-0.05);
    expect(decimalToNumber(decimalWords('99999999999.99', 13, 2, 'x'), 2)).toBe(99999999999.99);
    expect(() => decimalWords(1e12, 12, 2, 'x')).toThrow(/exceeds decimal/);
  });

  it('rejects values that do not fit their column with SCHEMA_MISMATCH naming row and column', () => {
    const schema = { fields: [{ name: 'n', type: 'integer', nullable: false }] } as const;
    const call = (n: unknown) => () => encodeRows([{ n }], schema, '/t');
    expect(call('x')).toThrow(DeltaError);
    expect(call(null)).toThrow(/row 0, column n: null in a non-nullable column/);
    expect(call(2 ** 40)).toThrow(/does not fit in 32 bits/);
    try {
      call(1.5)();
    } catch (e) {
      expect((e as DeltaError).code).toBe('SCHEMA_MISMATCH');
      expect((e as DeltaError).tablePath).toBe('/t');
    }
  });

  it('keeps int64 beyond 2^53 exact as bigint', () => {
    const schema = { fields: [{ name: 'n', type: 'long', nullable: true }] } as const;
    const big = 2n ** 60n + 1n;
    expect(decodeRows(encodeRows([{ n: big }, { n: 5 }], schema))).toEqual([{ n: big }, { n: 5 }]);
  });

  it('encodes non-ASCII strings one by one, so lone surrogates never pair up across values', () => {
    const schema = { fields: [{ name: 's', type: 'string', nullable: true }] } as const;
    const values = ['héllo', '日本語', '😀', null, 'a\ud83d', '\ude00b', ''];
    const back = decodeRows(
      encodeRows(
        values.map((s) => ({ s })),
        schema,
      ),
    ).map((r) => r.s);
    expect(back).toEqual(['héllo', '日本語', '😀', null, 'a\ufffd', '\ufffdb', '']);
  });

  it('derives decimal cells arithmetically exactly as from toFixed, ties and all', () => {
    const schema = { fields: [{ name: 'd', type: 'decimal(18,3)', nullable: false }] } as const;
    let seed = 7;
    const random = () => {
      seed = (seed * 48271) % 2147483647;
      return seed / 2147483647;
    };
    const values = [1.0005, 2.6755, 0.0005, -0.0005, -1.2345, 123456789.0125, 1e-9, -0, 0.1 + 0.2];
    for (let i = 0; i < 2000; i++) {
      const magnitude = 10 ** Math.floor(random() * 14 - 3);
      values.push((random() - 0.5) * magnitude, Math.round(random() * 1e6) / 1000 + 0.0005);
    }
    const table = tableFromIPC(
      encodeRows(
        values.map((d) => ({ d })),
        schema,
      ),
    );
    const column = table.getChild('d')!;
    values.forEach((v, i) => {
      expect([...(column.get(i) as Uint32Array)], `${v}`).toEqual([...decimalWords(v, 18, 3, '')]);
    });
  });

  it('writes int64 and timestamps exactly across the whole range, and refuses what does not fit', () => {
    const schema: Schema = {
      fields: [
        { name: 'n', type: 'long', nullable: true },
        { name: 't', type: 'timestamp', nullable: true },
      ],
    };
    const rows: Row[] = [
      { n: -1, t: new Date('1900-01-01T00:00:00.001Z') },
      { n: -(2 ** 53) + 1, t: '2024-02-29T12:00:00.5Z' },
      { n: 2 ** 53 - 1, t: 1_700_000_000_123.4 },
      { n: -(2n ** 63n), t: new Date(8.64e15) },
      { n: 2n ** 63n - 1n, t: null },
      { n: -(2 ** 32), t: new Date(-8.64e15) },
    ];
    expect(decodeRows(encodeRows(rows, schema))).toEqual([
      { n: -1, t: new Date('1900-01-01T00:00:00.001Z') },
      { n: -(2 ** 53) + 1, t: new Date('2024-02-29T12:00:00.500Z') },
      { n: 2 ** 53 - 1, t: new Date(1_700_000_000_123) },
      { n: -(2n ** 63n), t: new Date(8.64e15) },
      { n: 2n ** 63n - 1n, t: null },
      { n: -(2 ** 32), t: new Date(-8.64e15) },
    ]);
    expect(() => encodeRows([{ n: 2n ** 63n, t: null }], schema)).toThrow(
      /row 0, column n: .* does not fit in 64 bits/,
    );
    expect(() => encodeRows([{ n: 1, t: new Date(NaN) }], schema)).toThrow(/row 0, column t/);
  });

  it('keeps nulls of every flat type in place, and names rows by their index in the batch', () => {
    const schema: Schema = {
      fields: ['string', 'integer', 'long', 'double', 'boolean', 'date', 'decimal(6,2)'].map(
        (type, j) => ({ name: `c${j}`, type: type as 'string', nullable: true }),
      ),
    };
    const values = ['x', 7, 8, 1.5, true, new Date('2024-01-02T00:00:00Z'), 12.5];
    const rows: Row[] = Array.from({ length: 21 }, (_, i) =>
      Object.fromEntries(values.map((v, j) => [`c${j}`, (i + j) % 3 === 0 ? null : v])),
    );
    expect(decodeRows(encodeRows(rows, schema))).toEqual(rows);
    expect(decodeRows(encodeRowRange(rows, 5, 13, schema))).toEqual(rows.slice(5, 13));
    const bad = [...rows];
    bad[9] = { ...rows[9], c1: 'seven' };
    expect(() => encodeRowRange(bad, 8, 16, schema, '/t')).toThrow(
      /\/t: row 9, column c1: expected an integer/,
    );
  });
});
