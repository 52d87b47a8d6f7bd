import { describe, expect, it } from 'vitest';
import { PipekitError } from '../../src/errors/pipekit-error.js';
import { compileExpr, compilePredicate, parseSqlExpression } from '../../src/expr/index.js';
import type { Schema } from '../../src/schema/data-type.js';

const schema: Schema = {
  fields: [
    { name: 'amount', type: 'double', nullable: true },
    { name: 'qty', type: 'integer', nullable: false },
    { name: 'kind', type: 'string', nullable: true },
    { name: 'ts', type: 'timestamp', nullable: true },
    { name: 'day', type: 'date', nullable: true },
    { name: 'eventMs', type: 'long', nullable: false, logical: 'epochMillis' },
    { name: 'flag', type: 'boolean', nullable: true },
    { name: 'bytes', type: 'binary', nullable: true },
  ],
};

const row = {
  amount: 150.5,
  qty: 7,
  kind: 'purchase',
  ts: new Date('2024-03-10T12:30:45.250Z'),
  day: new Date('2024-03-10T00:00:00Z'),
  eventMs: Date.parse('2024-03-10T12:30:45.250Z'),
  flag: true,
  bytes: new Uint8Array([104, 105]),
};

function both(text: string, r: Record<string, unknown> = row): unknown[] {
  const node = parseSqlExpression(text);
  return [compileExpr(node)(r), compileExpr(node, schema)(r)];
}

describe('compileExpr evaluates with and without a schema', () => {
  it.each<[string, unknown]>([
    ["amount > 100 AND kind = 'purchase'", true],
    ["amount > 100 AND kind = 'view'", false],
    ['qty / 2', 3.5],
    ['qty / 0', null],
    ['qty % 0', null],
    ['-7 % 3', -1],
    ['7 % -3', 1],
    ['qty * 2 + 1', 15],
    ['amount - qty', 143.5],
    ["'5' + 1", 6],
    ["kind || '-' || qty", 'purchase-7'],
    ["kind IN ('view', 'purchase')", true],
    ['qty IN (1, 2, 3)', false],
    ["qty IN ('7', 8)", true],
    ['qty BETWEEN 7 AND 9', true],
    ['qty NOT BETWEEN 7 AND 9', false],
    ["kind LIKE 'pur%'", true],
    ["kind LIKE 'pur_hase'", true],
    ["kind LIKE 'PUR%'", false],
    ["kind ILIKE 'PUR%'", true],
    ["kind NOT LIKE '%x%'", true],
    ["'a.c' LIKE 'a.c'", true],
    ["'abc' LIKE 'a.c'", false],
    ["'50%' LIKE '50\\%'", true],
    ["'500' LIKE '50\\%'", false],
    ["'a_b' LIKE 'a\\_b'", true],
    ["'axb' LIKE 'a\\_b'", false],
    ["'line1\nline2' LIKE 'line1%'", true],
    ["kind LIKE concat('pur', '%')", true],
    ["ts > TIMESTAMP '2024-03-10 12:00:00'", true],
    ["ts < '2024-03-10T12:00:00Z'", false],
    ["ts = '2024-03-10 12:30:45.25'", true],
    ["eventMs > TIMESTAMP '2024-03-10 12:00:00'", true],
    ["eventMs <= TIMESTAMP '2024-03-10 12:00:00'", false],
    ["day = DATE '2024-03-10'", true],
    ["day < TIMESTAMP '2024-03-10 00:00:01'", true],
    ['ts > day', true],
    ['flag = TRUE', true],
    ['flag > FALSE', true],
    ["CASE WHEN qty > 5 THEN 'many' WHEN qty > 0 THEN 'few' ELSE 'none' END", 'many'],
    ["CASE kind WHEN 'view' THEN 1 WHEN 'purchase' THEN 2 END", 2],
    ['abs(-qty)', 7],
    ['NOT flag', false],
  ])('%s → %j', (text, expected) => {
    expect(both(text)).toEqual([expected, expected]);
  });

  it('treats NaN as equal to itself and larger than any number, as Spark does', () => {
    const f = compileExpr(parseSqlExpression("x = CAST('NaN' AS DOUBLE) AND x > 1e308"));
    expect(f({ x: Number.NaN })).toBe(true);
  });

  it('compares byte arrays lexicographically', () => {
    const f = compileExpr(parseSqlExpression("bytes < CAST('hj' AS BINARY)"), schema);
    expect(f(row)).toBe(true);
  });
});

describe('CAST', () => {
  it.each<[string, unknown]>([
    ["CAST('42' AS INT)", 42],
    ["CAST(' 42 ' AS INT)", 42],
    ["CAST('4.9' AS INT)", 4],
    ["CAST('-4.9' AS BIGINT)", -4],
    ["CAST('abc' AS INT)", null],
    ["CAST('' AS DOUBLE)", null],
    ["CAST('3000000000' AS INT)", null],
    ["CAST('1e3' AS DOUBLE)", 1000],
    ["CAST('0x10' AS DOUBLE)", null],
    ['CAST(3.99 AS INT)', 3],
    ['CAST(-3.99 AS INT)', -3],
    ['CAST(1e20 AS INT)', 2147483647],
    ['CAST(300 AS TINYINT)', 44],
    ['CAST(1.005 AS DECIMAL(5,2))', 1.01],
    ['CAST(12345.6 AS DECIMAL(5,2))', null],
    ["CAST('yes' AS BOOLEAN)", true],
    ["CAST('F' AS BOOLEAN)", false],
    ["CAST('maybe' AS BOOLEAN)", null],
    ['CAST(0 AS BOOLEAN)', false],
    ['CAST(TRUE AS INT)', 1],
    ['CAST(12 AS STRING)', '12'],
    ['CAST(1.5 AS STRING)', '1.5'],
    ['CAST(2.0 AS STRING)', '2.0'],
    ['CAST(1e7 AS STRING)', '1.0E7'],
    ['CAST(TRUE AS STRING)', 'true'],
    ["CAST(TIMESTAMP '2024-01-02 03:04:05' AS STRING)", '2024-01-02 03:04:05'],
    ["CAST(DATE '2024-01-02' AS STRING)", '2024-01-02'],
    ["CAST(TIMESTAMP '2024-01-02 03:04:05' AS BIGINT)", 1704164645],
    ['CAST(ts AS STRING)', '2024-03-10 12:30:45.25'],
    ['CAST(day AS STRING)', '2024-03-10'],
    ['CAST(amount AS STRING)', '150.5'],
    ['CAST(bytes AS STRING)', 'hi'],
  ])('%s → %j', (text, expected) => {
    expect(compileExpr(parseSqlExpression(text), schema)(row)).toEqual(expected);
  });

  it.each<[string, string]>([
    ["CAST('2024-01-02 03:04:05' AS TIMESTAMP)", '2024-01-02T03:04:05.000Z'],
    ["CAST('2024-01-02T03:04:05+01:00' AS TIMESTAMP)", '2024-01-02T02:04:05.000Z'],
    ["CAST('2024-01-02 03:04:05' AS DATE)", '2024-01-02T00:00:00.000Z'],
    ['CAST(ts AS DATE)', '2024-03-10T00:00:00.000Z'],
    ['CAST(1700000000 AS TIMESTAMP)', '2023-11-14T22:13:20.000Z'],
    ['CAST(eventMs AS TIMESTAMP)', '2024-03-10T12:30:45.250Z'],
  ])('%s → %s', (text, iso) => {
    const value = compileExpr(parseSqlExpression(text), schema)(row);
    expect(value).toBeInstanceOf(Date);
    expect((value as Date).toISOString()).toBe(iso);
  });

  it('gives NULL for a string that is not a timestamp', () => {
    expect(compileExpr(parseSqlExpression("CAST('later' AS TIMESTAMP)"))({})).toBeNull();
  });

  it('prints a double column as Spark does only when the schema says it is a double', () => {
    const node = parseSqlExpression('CAST(amount AS STRING)');
    expect(compileExpr(node, schema)({ amount: 3 })).toBe('3.0');
    expect(compileExpr(node)({ amount: 3 })).toBe('3');
  });
});

describe('compilation', () => {
  it('builds the function once and binds functions and regexes as constants', () => {
    const f = compileExpr(parseSqlExpression('lower(kind) LIKE \'pur%\' AND x = "q\\"uote"'));
    const source = f.toString();
    expect(source).not.toContain('lower');
    expect(source).not.toContain('pur%');
    expect(f({ kind: 'PURCHASE', x: 'q"uote' })).toBe(true);
  });

  it('embeds hostile column names safely', () => {
    const name = 'a"]; throw new Error("pwned"); //';
    const f = compileExpr({ kind: 'column', name });
    expect(f({ [name]: 1 })).toBe(1);
  });

  it('evaluates the right side of AND only when needed', () => {
    const f = compilePredicate(parseSqlExpression('x IS NOT NULL AND 10 / x > 1'));
    expect(f({ x: 0 })).toBe(false);
    expect(f({ x: 5 })).toBe(true);
    expect(f({ x: null })).toBe(false);
  });

  it.each([
    ['nosuch(1)', "unknown function 'nosuch'"],
    ['lower(a, b)', 'function lower takes 1..1 arguments, got 2'],
    ['sum(a) > 1', 'aggregate function sum()'],
    ['count(*)', 'aggregate function count()'],
  ])('refuses %s', (text, message) => {
    expect(() => compileExpr(parseSqlExpression(text))).toThrow(PipekitError);
    expect(() => compileExpr(parseSqlExpression(text))).toThrow(message);
  });

  it('refuses a CAST to a complex type', () => {
    const node = {
      kind: 'cast',
      operand: { kind: 'column', name: 'a' },
      to: { type: 'array', elementType: 'string', containsNull: true },
    } as const;
    expect(() => compileExpr(node)).toThrow('CAST to array<string> is not supported');
  });

  it('uses the injected clock, read once per row', () => {
    let calls = 0;
    const now = () => {
      calls++;
      return Date.UTC(2024, 5, 1, 10, 30);
    };
    const f = compileExpr(
      parseSqlExpression(
        "unix_timestamp() = unix_timestamp(current_timestamp) AND current_date = DATE '2024-06-01'",
      ),
      undefined,
      { now },
    );
    expect(f({})).toBe(true);
    expect(calls).toBe(1);
  });
});
