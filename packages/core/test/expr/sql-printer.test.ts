import { describe, expect, it } from 'vitest';
import type { ExprNode } from '../../src/expr/expr-node.js';
import { formatSqlLiteral, parseSqlExpression, printSql } from '../../src/expr/index.js';

describe('printSql', () => {
  it.each<[string, string]>([
    ['a or b and c', 'a OR b AND c'],
    ['(a or b) and c', '(a OR b) AND c'],
    ['a - (b - c)', 'a - (b - c)'],
    ['(a - b) - c', 'a - b - c'],
    ['a / (b * c)', 'a / (b * c)'],
    ['not (a and b)', 'NOT (a AND b)'],
    ['not a = 1', 'NOT a = 1'],
    ['-(a + b)', '-(a + b)'],
    ['- -a', '-(-a)'],
    ['-(5)', '-(5)'],
    ['a - -5', 'a - -5'],
    ['(a = b) = c', '(a = b) = c'],
    ['(a = b) is null', '(a = b) IS NULL'],
    ['x in (1, 2) and y not in (3)', 'x IN (1, 2) AND y NOT IN (3)'],
    ["s not ilike 'a%'", "s NOT ILIKE 'a%'"],
    ['x between 1 and 2 + 3', 'x BETWEEN 1 AND 2 + 3'],
    ['cast(x as bigint)', 'CAST(x AS BIGINT)'],
    ['cast(x as decimal(10,2))', 'CAST(x AS DECIMAL(10,2))'],
    ['case when a then 1 else 2 end', 'CASE WHEN a THEN 1 ELSE 2 END'],
    ['COUNT(*)', 'count(*)'],
    ['`my col` + `select`', '`my col` + `select`'],
    ['`and` = 1', '`and` = 1'],
    ["a = 'it''s'", "a = 'it''s'"],
    ["TIMESTAMP '2024-01-01T10:00:00Z'", "TIMESTAMP '2024-01-01 10:00:00'"],
    ['2.0 * 1.5', '2.0 * 1.5'],
  ])('%s prints as %s', (text, printed) => {
    expect(printSql(parseSqlExpression(text))).toBe(printed);
  });
});

describe('parse(print(x)) deep-equals x', () => {
  it.each([
    "amount > 100 AND event_type = 'purchase'",
    'a OR b AND NOT c OR d',
    '(a OR b) AND (c OR d)',
    'a * (b + c) - d / e % f',
    '-a * -b - -(c)',
    '- - - 5',
    "a || b || 'x' || (c || d)",
    'a <=> b AND c <> d',
    '((a = 1) = (b = 2)) IS NOT NULL',
    'x NOT IN (1, NULL, -2.5) OR y IN (a + 1, b)',
    "name LIKE 'Jo\\_%' OR name NOT LIKE '%x%' OR name ILIKE lower(p)",
    'x BETWEEN a - 1 AND b * 2 AND NOT y BETWEEN 1 AND 2',
    'CAST(CAST(a AS STRING) AS DOUBLE) + CAST(b AS DECIMAL(5,1))',
    "CASE WHEN a > 0 THEN 'pos' WHEN a < 0 THEN 'neg' END",
    'CASE x WHEN 1 THEN a + 1 ELSE CASE WHEN b THEN 2 END END',
    "coalesce(a, b, 0) + greatest(1, 2) > round(x, 2) AND substr(s, -3, 2) = 'ab'",
    "DATE '2024-02-29' < d AND ts >= TIMESTAMP '2024-01-01 00:00:00.123'",
    "'line\\nbreak\\\\' = s",
    'count(*) > 1',
    '1e300 > x AND 1.0E-7 < y AND -0.0 = z',
    'NOT NOT a',
    "a IS DISTINCT FROM b OR c RLIKE '^x'",
  ])('%s', (text) => {
    const tree = parseSqlExpression(text);
    expect(parseSqlExpression(printSql(tree))).toEqual(tree);
  });

  it('round-trips trees built by hand', () => {
    const trees: ExprNode[] = [
      { kind: 'unary', op: 'negate', operand: { kind: 'literal', value: -3 } },
      {
        kind: 'binary',
        op: 'and',
        left: { kind: 'column', name: 'a' },
        right: {
          kind: 'binary',
          op: 'and',
          left: { kind: 'column', name: 'b' },
          right: { kind: 'column', name: 'c' },
        },
      },
      {
        kind: 'like',
        operand: {
          kind: 'binary',
          op: '||',
          left: { kind: 'column', name: 'a' },
          right: { kind: 'column', name: 'b' },
        },
        pattern: { kind: 'literal', value: 'x' },
        negated: false,
        caseInsensitive: false,
      },
      {
        kind: 'in',
        operand: { kind: 'unary', op: 'not', operand: { kind: 'column', name: 'f' } },
        list: [{ kind: 'literal', value: true }],
        negated: false,
      },
      { kind: 'call', name: 'not', args: [{ kind: 'column', name: 'x y' }] },
    ];
    for (const tree of trees) expect(parseSqlExpression(printSql(tree))).toEqual(tree);
  });
});

describe('formatSqlLiteral', () => {
  it.each<[Parameters<typeof formatSqlLiteral>, string]>([
    [[null], 'NULL'],
    [[true], 'TRUE'],
    [[42], '42'],
    [[-1.5], '-1.5'],
    [[3, 'double'], '3.0'],
    [["O'Brien"], "'O''Brien'"],
    [['back\\slash'], "'back\\\\slash'"],
    [['2024-01-01T00:00:00.000Z', 'timestamp'], "TIMESTAMP '2024-01-01 00:00:00'"],
    [['2024-01-01', 'date'], "DATE '2024-01-01'"],
    [[new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 600))], "TIMESTAMP '2024-01-02 03:04:05.6'"],
  ])('%j → %s', (args, expected) => {
    expect(formatSqlLiteral(...args)).toBe(expected);
  });

  it('refuses NaN, which has no SQL literal', () => {
    expect(() => formatSqlLiteral(Number.NaN)).toThrow(RangeError);
  });

  it('reads back as the same string', () => {
    const value = 'tab\there, quote \' and "dq", backslash \\ and %_';
    expect(parseSqlExpression(formatSqlLiteral(value))).toEqual({ kind: 'literal', value });
  });
});
