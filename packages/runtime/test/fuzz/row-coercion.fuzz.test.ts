import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataType, Field, Schema } from '@pipekit/core';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { fuzzParameters } from '../../../core/test/fuzz/fuzz-settings.js';
import { parseCsv } from '../../src/formats/csv-reader.js';
import { parseJsonLines } from '../../src/formats/jsonl.js';
import { formatParquet, readParquet } from '../../src/formats/parquet.js';
import { rowCoercer } from '../../src/schema/coerce.js';

/**
 * Rows against schemas: every record is either coerced to a row that conforms to the schema or
 * refused as a bad record with a reason; nothing throws. Conformance is checked here from the
 * schema alone, independently of the coercer.
 */

const names = ['a', 'b', 'id', 'ts', 'constructor', '__proto__', 'toString', 'x y', ''];
const primitives: DataType[] = [
  'string',
  'byte',
  'short',
  'integer',
  'long',
  'float',
  'double',
  'boolean',
  'binary',
  'date',
  'timestamp',
  'decimal(10,2)',
];

const dataType: fc.Arbitrary<DataType> = fc.letrec<{ t: DataType }>((tie) => ({
  t: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...primitives),
    fc
      .record({ elementType: tie('t'), containsNull: fc.boolean() })
      .map((a) => ({ type: 'array' as const, ...a })),
    fc
      .uniqueArray(
        fc.record({ name: fc.constantFrom(...names), type: tie('t'), nullable: fc.boolean() }),
        {
          selector: (f) => f.name,
          minLength: 1,
          maxLength: 3,
        },
      )
      .map((fields) => ({ type: 'struct' as const, fields })),
  ),
})).t;

const schema: fc.Arbitrary<Schema> = fc
  .uniqueArray(
    fc.record({
      name: fc.constantFrom(...names),
      type: dataType,
      nullable: fc.boolean(),
      logical: fc.constantFrom<Field['logical'] | undefined>(undefined, undefined, 'epochMillis'),
    }),
    { selector: (f) => f.name, minLength: 1, maxLength: 5 },
  )
  .map((fields) => ({
    fields: fields.map(({ logical, ...f }) =>
      logical && f.type === 'long' ? { ...f, logical } : f,
    ),
  }));

const intRange: Record<string, [number, number]> = {
  byte: [-128, 127],
  short: [-32768, 32767],
  integer: [-(2 ** 31), 2 ** 31 - 1],
  long: [-(2 ** 63), 2 ** 63],
};

/** Why `v` is not a value of `type`, or undefined when it is. */
function nonConformance(
  v: unknown,
  type: DataType,
  nullable: boolean,
  logical?: string,
): string | undefined {
  if (v === null) return nullable ? undefined : 'null in a non-nullable column';
  if (v === undefined) return 'undefined';
  if (logical === 'epochMillis') return Number.isInteger(v) ? undefined : 'epoch ms not an integer';
  if (typeof type === 'string') {
    const range = intRange[type];
    if (range)
      return typeof v === 'number' && Number.isInteger(v) && v >= range[0] && v <= range[1]
        ? undefined
        : `${String(v)} is not a ${type}`;
    switch (type) {
      case 'string':
        return typeof v === 'string' ? undefined : 'not a string';
      case 'boolean':
        return typeof v === 'boolean' ? undefined : 'not a boolean';
      case 'binary':
        return v instanceof Uint8Array || typeof v === 'string' ? undefined : 'not binary';
      case 'date':
      case 'timestamp':
        return v instanceof Date && !Number.isNaN(v.getTime()) ? undefined : 'not a valid Date';
      default:
        return typeof v === 'number' && !Number.isNaN(v) ? undefined : `not a ${type}`;
    }
  }
  if (type.type === 'array') {
    if (!Array.isArray(v)) return 'not an array';
    for (const x of v) {
      const why = nonConformance(x, type.elementType, type.containsNull);
      if (why) return `element: ${why}`;
    }
    return undefined;
  }
  if (type.type === 'struct') return rowNonConformance(v, type.fields);
  return typeof v === 'object' ? undefined : 'not a map';
}

function rowNonConformance(row: unknown, fields: readonly Field[]): string | undefined {
  if (typeof row !== 'object' || row === null) return 'not an object';
  for (const f of fields) {
    if (!Object.hasOwn(row, f.name)) return `column '${f.name}' missing`;
    const why = nonConformance(
      (row as Record<string, unknown>)[f.name],
      f.type,
      f.nullable,
      f.logical,
    );
    if (why) return `column '${f.name}': ${why}`;
  }
  return undefined;
}

/** A value a JSON, CSV or Parquet reader could hand over for a column. */
const rawValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(
    '2026-01-02T03:04:05.678Z',
    '2026-02-30T00:00:00Z',
    '2026-01-02',
    '1e3',
    ' 7 ',
    '0x10',
    'NaN',
    'Infinity',
    '-0',
    3e9,
    2 ** 53 + 2,
    -129,
    128,
    1.5,
    'true',
    '',
    [null],
    [1, 'x'],
    { a: 1 },
  ),
  fc.date({ noInvalidDate: false }),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
  fc.uint8Array({ maxLength: 4 }),
);

const record = fc.dictionary(fc.constantFrom(...names, 'extra'), rawValue, { maxKeys: 6 });

function assertCoercedOrBad(s: Schema, input: unknown): void {
  const r = rowCoercer(s, 'n1')(input, 'file:1');
  if (r.ok) {
    const why = rowNonConformance(r.row, s.fields);
    expect(why, `coerced ${JSON.stringify(r.row)}`).toBeUndefined();
  } else {
    expect(r.bad.reason.length).toBeGreaterThan(0);
    expect(r.bad.position).toBe('file:1');
  }
}

const dir = mkdtempSync(join(tmpdir(), 'pipekit-fuzz-parquet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('row coercion under random rows and schemas', () => {
  it('JSON records: coerced to the schema or a bad record with a reason', () => {
    fc.assert(
      fc.property(schema, fc.oneof(record, rawValue), (s, input) => assertCoercedOrBad(s, input)),
      fuzzParameters(500),
    );
  });

  it('JSON lines text, valid or not, gives rows and bad records, one per non-empty line', () => {
    fc.assert(
      fc.property(
        schema,
        fc.array(
          fc.oneof(
            record.map((r) =>
              JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? Number(v) : v)),
            ),
            fc.string(),
          ),
          { maxLength: 5 },
        ),
        (s, lines) => {
          const text = lines.join('\n');
          const { rows, badRecords } = parseJsonLines(text, 'f.jsonl', rowCoercer(s, 'n1'), 'n1');
          const nonEmpty = text.split('\n').filter((l) => l.trim() !== '').length;
          expect(rows.length + badRecords.length).toBe(nonEmpty);
          for (const row of rows) expect(rowNonConformance(row, s.fields)).toBeUndefined();
        },
      ),
      fuzzParameters(300),
    );
  });

  it('CSV text with and without a header gives conforming rows or bad records', async () => {
    const csvChar = fc.constantFrom(
      'a',
      '1',
      '-',
      '.',
      ',',
      '"',
      '\n',
      '\r',
      ' ',
      'T',
      'Z',
      ':',
      '2',
    );
    await fc.assert(
      fc.asyncProperty(
        schema,
        fc.string({ unit: csvChar, maxLength: 60 }),
        fc.boolean(),
        async (s, text, header) => {
          const columns = header ? null : s.fields.map((f) => f.name);
          const { rows } = await parseCsv(
            text,
            'f.csv',
            { header, delimiter: ',', columns },
            rowCoercer(s, 'n1'),
            'n1',
          );
          for (const row of rows) expect(rowNonConformance(row, s.fields)).toBeUndefined();
        },
      ),
      fuzzParameters(300),
    );
  });

  it('CSV read in byte pieces gives what it gives read whole (quotes and characters split)', async () => {
    const csvChar = fc.constantFrom('a', 'é', '🙂', ',', '"', '\n', '\r', ' ', '1');
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: csvChar, maxLength: 60 }),
        fc.array(fc.nat(200), { maxLength: 6 }),
        fc.boolean(),
        async (text, cuts, header) => {
          const bytes = Buffer.from(text);
          const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
          const pieces = [0, ...at].map((from, i) => bytes.subarray(from, at[i] ?? bytes.length));
          const options = { header, delimiter: ',', columns: null };
          const asIs = rowCoercer(null, 'n1');
          const whole = await parseCsv(text, 'f.csv', options, asIs, 'n1');
          expect(await parseCsv(pieces, 'f.csv', options, asIs, 'n1')).toEqual(whole);
        },
      ),
      fuzzParameters(200),
    );
  });

  it('Parquet files written with one schema and read against another', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        schema,
        schema,
        fc.array(record, { minLength: 1, maxLength: 4 }),
        async (written, wanted, records) => {
          const coerceWritten = rowCoercer(written, 'w');
          const rows = records.flatMap((r) => {
            const c = coerceWritten(r, 'x');
            return c.ok ? [c.row] : [];
          });
          if (rows.length === 0) return;
          let bytes: Uint8Array;
          try {
            bytes = formatParquet(rows, written);
          } catch {
            return; // the writer refusing a shape is the writer's business; reading is under test
          }
          const file = join(dir, `${n++}.parquet`);
          writeFileSync(file, bytes);
          for (const row of await readParquet(file)) assertCoercedOrBad(wanted, row);
        },
      ),
      fuzzParameters(100),
    );
  });
});
