import type { Row, Schema } from '@pipekit/core';
import { describe, expect, it } from 'vitest';
import { columnPlan, type ResultField, rowBuilder } from '../src/columns.js';
import { CopyTextParser } from '../src/copy-out.js';
import { copyChunks, encoderFor, writerFor } from '../src/copy-text.js';
import { parserFor } from '../src/types.js';

/** COPY text fields as the server writes them, unescaped: what the row protocol would give. */
function copyUnescape(field: string): string {
  return field.replace(
    /\\(?:([0-7]{1,3})|x([0-9a-fA-F]{1,2})|(.))/g,
    (_, octal?: string, hex?: string, c?: string) =>
      octal !== undefined
        ? String.fromCharCode(Number.parseInt(octal, 8))
        : hex !== undefined
          ? String.fromCharCode(Number.parseInt(hex, 16))
          : c === 'n'
            ? '\n'
            : c === 't'
              ? '\t'
              : c === 'r'
                ? '\r'
                : c!,
  );
}

/** The row-protocol path: each field's text through the type parser, then the row builder. */
function viaRowProtocol(text: string, fields: ResultField[], schema: Schema | null): Row[] {
  const build = rowBuilder(fields, schema, 'test');
  return text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((line) =>
      build(
        line
          .split('\t')
          .map((f, i) => (f === '\\N' ? null : parserFor(fields[i]!.dataTypeID)(copyUnescape(f)))),
      ),
    );
}

function parseAll(parser: CopyTextParser, chunks: Buffer[]): Row[] {
  const out: Row[] = [];
  for (const c of chunks) parser.push(c, out);
  parser.end();
  return out;
}

const fields: ResultField[] = [
  { name: 'i4', dataTypeID: 23 },
  { name: 'i8', dataTypeID: 20 },
  { name: 'f8', dataTypeID: 701 },
  { name: 'num', dataTypeID: 1700 },
  { name: 'num_text', dataTypeID: 1700 },
  { name: 't', dataTypeID: 25 },
  { name: 'b', dataTypeID: 16 },
  { name: 'ts', dataTypeID: 1184 },
  { name: 'd', dataTypeID: 1082 },
  { name: 'ai', dataTypeID: 1007 },
  { name: 'jb', dataTypeID: 3802 },
  { name: 'iv', dataTypeID: 1186 },
];
const schema: Schema = {
  fields: [
    { name: 'i4', type: 'integer', nullable: true },
    { name: 'i8', type: 'long', nullable: true },
    { name: 'f8', type: 'double', nullable: true },
    { name: 'num', type: 'decimal(38,10)', nullable: true },
    { name: 'num_text', type: 'string', nullable: true },
    { name: 't', type: 'string', nullable: true },
    { name: 'b', type: 'boolean', nullable: true },
    { name: 'ts', type: 'timestamp', nullable: true },
    { name: 'd', type: 'date', nullable: true },
    {
      name: 'ai',
      type: { type: 'array', elementType: 'integer', containsNull: true },
      nullable: true,
    },
    {
      name: 'jb',
      type: { type: 'map', keyType: 'string', valueType: 'integer', valueContainsNull: true },
      nullable: true,
    },
    { name: 'iv', type: 'string', nullable: true },
  ],
};
const lines = [
  '1\t9007199254740991\t1.25\t123.45\t0.10\tplain\tt\t2024-05-01 12:34:56.789123+00\t2024-02-29\t{1,NULL,3}\t{"a": 1}\t1 day',
  '-2147483648\t-42\t-2.25e-300\t-0.001\t-0\ttab\\there\\nnewline \\\\ back é 🎉\tf\t1969-12-31 23:59:59.5-01:30\t0044-03-15 BC\t{}\t[]\t00:00:01',
  '\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N',
  '0\t12345678901234567\tNaN\t1234567890123456789.5\t3.14159265358979323846\t\\\\N\ttrue\tinfinity\t0099-01-01\t{{1,2},{3,4}}\tnull\t',
  '7\t-0\t-Infinity\t0.1234567890123456\t1\tx\\101\\x42\tt\t2024-01-01 00:00:00\t9999-12-31\t{7}\t{"k": [1]}\t\\N',
];
const text = `${lines.join('\n')}\n`;

describe('COPY text parser (no server needed)', () => {
  it('gives exactly the rows of the row-protocol path, however the data is split', () => {
    const expected = viaRowProtocol(text, fields, schema);
    expect(expected).toHaveLength(5);
    const data = Buffer.from(text);
    const plan = columnPlan(fields, schema, 'test');
    expect(parseAll(new CopyTextParser(fields.length, plan), [data])).toEqual(expected);
    for (let cut = 1; cut < data.length; cut++) {
      const rows = parseAll(new CopyTextParser(fields.length, plan), [
        data.subarray(0, cut),
        data.subarray(cut),
      ]);
      expect(rows, `split at byte ${cut}`).toEqual(expected);
    }
    // Byte by byte, too.
    const bytes = Array.from({ length: data.length }, (_, i) => data.subarray(i, i + 1));
    expect(parseAll(new CopyTextParser(fields.length, plan), bytes)).toEqual(expected);
  });

  it('without a schema: every column, numeric as text, json parsed', () => {
    const expected = viaRowProtocol(text, fields, null);
    const rows = parseAll(new CopyTextParser(fields.length, columnPlan(fields, null, 'test')), [
      Buffer.from(text),
    ]);
    expect(rows).toEqual(expected);
    expect(rows[0]!.num).toBe('123.45');
  });

  it('reads decimals, integers and timestamps from the bytes exactly as Number/parseFloat/Date do', () => {
    const f: ResultField[] = [
      { name: 'f', dataTypeID: 701 },
      { name: 'n', dataTypeID: 1700 },
      { name: 'i', dataTypeID: 20 },
      { name: 'ts', dataTypeID: 1184 },
    ];
    const s: Schema = {
      fields: [
        { name: 'f', type: 'double', nullable: false },
        { name: 'n', type: 'decimal(30,10)', nullable: false },
        { name: 'i', type: 'long', nullable: false },
        { name: 'ts', type: 'timestamp', nullable: false },
      ],
    };
    let seed = 42;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const out: string[] = [];
    for (let k = 0; k < 5000; k++) {
      const places = Math.floor(rnd() * 18);
      const digits = (rnd() * 10 ** Math.floor(rnd() * 17)).toFixed(places);
      const sign = rnd() < 0.3 ? '-' : '';
      const ms = Math.floor((rnd() - 0.5) * 2 * 200 * 365 * 86_400_000);
      const iso = new Date(ms).toISOString().replace('T', ' ').replace('Z', '+00');
      out.push(`${sign}${digits}\t${sign}${digits}\t${sign}${Math.floor(rnd() * 2 ** 60)}\t${iso}`);
    }
    const data = `${out.join('\n')}\n`;
    const rows = parseAll(new CopyTextParser(4, columnPlan(f, s, 't')), [Buffer.from(data)]);
    expect(rows).toEqual(viaRowProtocol(data, f, s));
  });

  it('skips rows by counting lines, and reports cut-off or malformed data', () => {
    const plan = columnPlan(fields, schema, 'test');
    const p = new CopyTextParser(fields.length, plan);
    const out: Row[] = [];
    expect(p.push(Buffer.from(text), out, 3)).toBe(3);
    expect(out.map((r) => r.i4)).toEqual([0, 7]);
    const cut = new CopyTextParser(fields.length, plan);
    cut.push(Buffer.from(text.slice(0, -5)), []);
    expect(() => cut.end()).toThrow(/ended in the middle of a row/);
    expect(() => new CopyTextParser(fields.length, plan).push(Buffer.from('1\t2\n'), [])).toThrow(
      /does not have the 12 column/,
    );
  });
});

describe('COPY text writer (no server needed)', () => {
  const types = [
    'integer',
    'bigint',
    'double precision',
    'numeric(12,2)',
    'text',
    'timestamp with time zone',
    'date',
    'boolean',
    'jsonb',
    'integer[]',
    'bytea',
  ];

  it('writes exactly the text of the string encoders, value by value', () => {
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const values: unknown[] = [
      0,
      -0,
      1,
      -1,
      Number.MAX_SAFE_INTEGER,
      -Number.MAX_SAFE_INTEGER,
      2 ** 60,
      1e21,
      1e-7,
      0.1 + 0.2,
      NaN,
      Number.POSITIVE_INFINITY,
      123.45,
      -0.05,
      999999999.999999,
      '',
      'plain',
      'tab\there',
      'new\nline\r',
      'cr\ronly',
      'back\\slash',
      'émoji 🎉',
      'x'.repeat(100),
      `${'y'.repeat(80)}\t`,
      true,
      false,
      new Date(0),
      new Date(-1),
      new Date('0000-01-01T00:00:00Z'),
      new Date('9999-12-31T23:59:59.999Z'),
      new Date('+010000-01-01T00:00:00Z'),
      new Date(-62_167_219_200_001),
      { a: [1, 'b\tc'] },
      [1, null, 3],
      new Uint8Array([0, 1, 255]),
      10n,
    ];
    for (let k = 0; k < 3000; k++) {
      values.push(Math.round((rnd() - 0.5) * 2e6) / 100);
      values.push((rnd() - 0.5) * 10 ** Math.floor(rnd() * 30 - 10));
      values.push(Math.floor((rnd() - 0.5) * 2 ** 54));
      values.push(new Date(Math.floor((rnd() - 0.3) * 1e14)));
    }
    for (const type of types) {
      const encode = encoderFor(type);
      const fits = values.filter((v) => {
        try {
          encode(v);
          return true;
        } catch {
          return false;
        }
      });
      const got = Buffer.concat([
        ...copyChunks(
          fits.map((v) => ({ v })),
          ['v'],
          [writerFor(type)],
        ),
      ])
        .toString('utf8')
        .split('\n');
      expect(got.slice(0, fits.length), type).toEqual(fits.map((v) => encode(v)));
    }
  });

  it('splits large batches into chunks and writes NULLs and every row', () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => ({
      a: i,
      b: i % 7 === 0 ? null : `row ${i} ${'z'.repeat(i % 50)}`,
    }));
    const writers = [writerFor('bigint'), writerFor('text')];
    const chunks = [...copyChunks(rows, ['a', 'b'], writers, 16 * 1024)];
    expect(chunks.length).toBeGreaterThan(10);
    const expected = rows.map((r) => `${r.a}\t${r.b === null ? '\\N' : r.b}\n`).join('');
    expect(Buffer.concat(chunks).toString('utf8')).toBe(expected);
  });
});
