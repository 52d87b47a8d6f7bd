import { tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { decimalWords } from '../src/arrow-encode.js';
import { DeltaError, decimalToNumber, decodeRows, encodeRows } from '../src/index.js';
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
});
