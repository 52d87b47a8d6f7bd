import { describe, expect, it } from 'vitest';
import {
  checkExpr,
  inferExprType,
  parseSqlExpression,
  referencedColumns,
} from '../../src/expr/index.js';
import type { Schema } from '../../src/schema/data-type.js';

const schema: Schema = {
  fields: [
    { name: 'amount', type: 'double', nullable: false },
    { name: 'qty', type: 'integer', nullable: false },
    { name: 'big', type: 'long', nullable: true },
    { name: 'price', type: 'decimal(10,2)', nullable: false },
    { name: 'event_type', type: 'string', nullable: true },
    { name: 'ts', type: 'timestamp', nullable: false },
    { name: 'eventMs', type: 'long', nullable: false, logical: 'epochMillis' },
    { name: 'ok', type: 'boolean', nullable: false },
  ],
};
const typeOf = (text: string) => inferExprType(parseSqlExpression(text), schema);
const issuesOf = (text: string) => checkExpr(parseSqlExpression(text), schema);

describe('inferExprType', () => {
  it.each<[string, string, boolean]>([
    ['amount', 'double', false],
    ['event_type', 'string', true],
    ['qty + 1', 'integer', false],
    ['qty + big', 'long', true],
    ['qty * amount', 'double', false],
    ['qty / 2', 'double', true],
    ['qty % 2', 'integer', true],
    ['price + qty', 'decimal(12,2)', false],
    ['1.5', 'double', false],
    ['3000000000', 'long', false],
    ['NULL', 'null', true],
    ['qty + NULL', 'integer', true],
    ["event_type || 'x'", 'string', true],
    ['amount > 1', 'boolean', false],
    ["event_type = 'a'", 'boolean', true],
    ['event_type <=> NULL', 'boolean', false],
    ['event_type IS NULL', 'boolean', false],
    ['CAST(qty AS STRING)', 'string', false],
    ['CAST(event_type AS INT)', 'integer', true],
    ["CAST('1' AS INT)", 'integer', true],
    ['CASE WHEN ok THEN qty ELSE amount END', 'double', false],
    ["CASE WHEN ok THEN 'a' END", 'string', true],
    ['coalesce(big, qty)', 'long', false],
    ['coalesce(big, NULL)', 'long', true],
    ['lower(event_type)', 'string', true],
    ['length(event_type)', 'integer', true],
    ['year(ts)', 'integer', true],
    ["date_trunc('hour', ts)", 'timestamp', true],
    ['current_timestamp()', 'timestamp', false],
    ['round(price, 1)', 'decimal(10,2)', false],
    ['count(*)', 'long', false],
    ['sum(qty)', 'long', true],
    ['avg(qty)', 'double', true],
    ['max(event_type)', 'string', true],
  ])('%s is %s (nullable: %s)', (text, type, nullable) => {
    expect(typeOf(text)).toEqual({ type, nullable });
  });

  it('is unknown for an unknown column or function', () => {
    expect(typeOf('nope + 1').type).toBe('unknown');
    expect(typeOf('frobnicate(qty)').type).toBe('unknown');
  });
});

describe('checkExpr', () => {
  it('finds nothing wrong with a good expression', () => {
    expect(
      issuesOf(
        "amount > 100 AND event_type IN ('a', 'b') AND ts > '2024-01-01' AND eventMs > TIMESTAMP '2024-01-01 00:00:00'",
      ),
    ).toEqual([]);
  });

  it('names an unknown column, lists the known ones and suggests the closest', () => {
    expect(issuesOf('amout > 1')).toEqual([
      {
        path: ['left'],
        message:
          "unknown column 'amout'; known columns: amount, qty, big, price, event_type, ts, eventMs, ok",
        fix: "did you mean 'amount'?",
      },
    ]);
  });

  it('suggests the right case for a column written in another case', () => {
    expect(issuesOf('Amount > 1')[0]?.fix).toBe("did you mean 'amount'?");
  });

  it('flags a number compared with a string', () => {
    expect(issuesOf("amount > '100'")).toEqual([
      {
        path: [],
        message: "cannot compare amount (double) with '100' (string)",
        fix: "compare with a number (no quotes) or CAST('100' AS DOUBLE)",
      },
    ]);
  });

  it('flags a string compared with a number inside IN and BETWEEN, with paths', () => {
    expect(issuesOf("event_type IN (1, 'a')").map((i) => i.path)).toEqual([['list', 0]]);
    expect(issuesOf("ok AND qty BETWEEN '1' AND 5").map((i) => i.path)).toEqual([['right', 'low']]);
  });

  it('flags arithmetic on a non-number', () => {
    expect(issuesOf('event_type + 1')).toEqual([
      { path: ['left'], message: "arithmetic '+' needs numbers, got string" },
    ]);
    expect(issuesOf('-ts')[0]?.message).toBe('cannot negate timestamp: arithmetic needs numbers');
  });

  it('flags a non-boolean under AND, NOT and WHEN', () => {
    expect(issuesOf('qty AND ok')).toEqual([
      { path: ['left'], message: 'AND needs a boolean, got integer' },
    ]);
    expect(issuesOf('NOT event_type')[0]?.message).toBe('NOT needs a boolean, got string');
    expect(issuesOf('CASE WHEN qty THEN 1 END')[0]?.path).toEqual(['branches', 0, 'when']);
  });

  it('flags the wrong number of arguments', () => {
    expect(issuesOf("substring('a')")).toEqual([
      { path: [], message: 'function substring takes 2 to 3 arguments, got 1' },
    ]);
    expect(issuesOf('lower()')[0]?.message).toBe('function lower takes 1 argument, got 0');
    expect(issuesOf('coalesce()')[0]?.message).toBe(
      'function coalesce takes at least 1 argument, got 0',
    );
  });

  it('flags an unknown function and suggests a close name', () => {
    expect(issuesOf("lowr(event_type) = 'a'")).toEqual([
      { path: ['left'], message: "unknown function 'lowr'", fix: "did you mean 'lower'?" },
    ]);
  });

  it('reports every problem with its own path', () => {
    expect(issuesOf("nope = 1 OR upper(qty, 2) = 'A' OR amount = 'x'").map((i) => i.path)).toEqual([
      ['left', 'left', 'left'],
      ['left', 'right', 'left'],
      ['right'],
    ]);
  });
});

describe('referencedColumns', () => {
  it.each<[string, string[]]>([
    ['a + b > a', ['a', 'b']],
    ['CASE WHEN x IS NULL THEN y ELSE coalesce(z, x) END LIKE p', ['x', 'y', 'z', 'p']],
    ['w BETWEEN lo AND hi AND k IN (k1, `k 2`)', ['w', 'lo', 'hi', 'k', 'k1', 'k 2']],
    ["CAST(-c AS STRING) = 'x'", ['c']],
    ['1 + 2', []],
  ])('%s reads %j', (text, columns) => {
    expect(referencedColumns(parseSqlExpression(text))).toEqual(columns);
  });
});
