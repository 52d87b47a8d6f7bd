import { describe, expect, it } from 'vitest';
import { PipekitError } from '../../src/errors/pipekit-error.js';
import type { ExprNode } from '../../src/expr/expr-node.js';
import { parseSqlExpression, SqlParseError } from '../../src/expr/index.js';

const col = (name: string): ExprNode => ({ kind: 'column', name });
const lit = (value: string | number | boolean | null): ExprNode => ({ kind: 'literal', value });
const bin = (op: string, left: ExprNode, right: ExprNode): ExprNode =>
  ({ kind: 'binary', op, left, right }) as ExprNode;
const not = (operand: ExprNode): ExprNode => ({ kind: 'unary', op: 'not', operand });

describe('parseSqlExpression: atoms', () => {
  it.each<[string, ExprNode]>([
    ['amount', col('amount')],
    ['`event type`', col('event type')],
    ['`a``b`', col('a`b')],
    ['42', lit(42)],
    ['-42', lit(-42)],
    ['3.25', { kind: 'literal', value: 3.25, type: 'double' }],
    ['2.0', { kind: 'literal', value: 2, type: 'double' }],
    ['.5', { kind: 'literal', value: 0.5, type: 'double' }],
    ['1e3', { kind: 'literal', value: 1000, type: 'double' }],
    ['10L', lit(10)],
    ["'it''s'", lit("it's")],
    ['"double quoted"', lit('double quoted')],
    ["'a\\'b'", lit("a'b")],
    ["'tab\\there'", lit('tab\there')],
    ["'a' 'b'", lit('ab')],
    ['TRUE', lit(true)],
    ['false', lit(false)],
    ['NuLl', lit(null)],
    [
      "TIMESTAMP '2024-01-01 00:00:00'",
      { kind: 'literal', value: '2024-01-01T00:00:00.000Z', type: 'timestamp' },
    ],
    [
      "timestamp '2024-03-05T10:20:30.5+02:00'",
      { kind: 'literal', value: '2024-03-05T08:20:30.500Z', type: 'timestamp' },
    ],
    ["DATE '2024-01-01'", { kind: 'literal', value: '2024-01-01', type: 'date' }],
    ['date', col('date')],
    ['current_date', { kind: 'call', name: 'current_date', args: [] }],
  ])('%s', (text, expected) => {
    expect(parseSqlExpression(text)).toEqual(expected);
  });
});

describe('parseSqlExpression: precedence', () => {
  it.each<[string, ExprNode]>([
    ['a OR b AND c', bin('or', col('a'), bin('and', col('b'), col('c')))],
    ['a AND b OR c', bin('or', bin('and', col('a'), col('b')), col('c'))],
    ['NOT a AND b', bin('and', not(col('a')), col('b'))],
    ['NOT a = 1', not(bin('=', col('a'), lit(1)))],
    ['a + b * c', bin('+', col('a'), bin('*', col('b'), col('c')))],
    ['(a + b) * c', bin('*', bin('+', col('a'), col('b')), col('c'))],
    ['a - b - c', bin('-', bin('-', col('a'), col('b')), col('c'))],
    ['a + 1 > b * 2', bin('>', bin('+', col('a'), lit(1)), bin('*', col('b'), lit(2)))],
    ['-a * b', bin('*', { kind: 'unary', op: 'negate', operand: col('a') }, col('b'))],
    ['a - -5', bin('-', col('a'), lit(-5))],
    ['-(5)', { kind: 'unary', op: 'negate', operand: lit(5) }],
    ["a || 'x' = 'yx'", bin('=', bin('||', col('a'), lit('x')), lit('yx'))],
    ['a % 3 = 1', bin('=', bin('%', col('a'), lit(3)), lit(1))],
    ['! a', not(col('a'))],
  ])('%s', (text, expected) => {
    expect(parseSqlExpression(text)).toEqual(expected);
  });
});

describe('parseSqlExpression: operators and predicates', () => {
  it.each<[string, string]>([
    ['a = 1', '='],
    ['a == 1', '='],
    ['a != 1', '!='],
    ['a <> 1', '!='],
    ['a < 1', '<'],
    ['a <= 1', '<='],
    ['a > 1', '>'],
    ['a >= 1', '>='],
    ['a <=> 1', '<=>'],
  ])('%s is %s', (text, op) => {
    expect(parseSqlExpression(text)).toEqual(bin(op, col('a'), lit(1)));
  });

  it.each<[string, ExprNode]>([
    [
      'x IN (1, 2, 3)',
      { kind: 'in', operand: col('x'), list: [lit(1), lit(2), lit(3)], negated: false },
    ],
    ["x not in ('a')", { kind: 'in', operand: col('x'), list: [lit('a')], negated: true }],
    [
      "s LIKE 'a%'",
      {
        kind: 'like',
        operand: col('s'),
        pattern: lit('a%'),
        negated: false,
        caseInsensitive: false,
      },
    ],
    [
      "s NOT LIKE 'a%'",
      {
        kind: 'like',
        operand: col('s'),
        pattern: lit('a%'),
        negated: true,
        caseInsensitive: false,
      },
    ],
    [
      "s ILIKE 'A%'",
      {
        kind: 'like',
        operand: col('s'),
        pattern: lit('A%'),
        negated: false,
        caseInsensitive: true,
      },
    ],
    [
      "s LIKE 'a\\_b'",
      {
        kind: 'like',
        operand: col('s'),
        pattern: lit('a\\_b'),
        negated: false,
        caseInsensitive: false,
      },
    ],
    ["s RLIKE '^a'", { kind: 'call', name: 'rlike', args: [col('s'), lit('^a')] }],
    [
      'x BETWEEN 1 AND 5',
      { kind: 'between', operand: col('x'), low: lit(1), high: lit(5), negated: false },
    ],
    [
      'x NOT BETWEEN 1 AND 5 AND y',
      bin(
        'and',
        { kind: 'between', operand: col('x'), low: lit(1), high: lit(5), negated: true },
        col('y'),
      ),
    ],
    ['x IS NULL', { kind: 'isNull', operand: col('x'), negated: false }],
    ['x is not null', { kind: 'isNull', operand: col('x'), negated: true }],
    ['x IS NOT DISTINCT FROM y', bin('<=>', col('x'), col('y'))],
    ['x IS DISTINCT FROM y', not(bin('<=>', col('x'), col('y')))],
    ['x IS TRUE', bin('<=>', col('x'), lit(true))],
  ])('%s', (text, expected) => {
    expect(parseSqlExpression(text)).toEqual(expected);
  });
});

describe('parseSqlExpression: CAST, CASE, calls', () => {
  it.each<[string, string]>([
    ['int', 'integer'],
    ['INTEGER', 'integer'],
    ['bigint', 'long'],
    ['smallint', 'short'],
    ['tinyint', 'byte'],
    ['real', 'float'],
    ['varchar(20)', 'string'],
    ['char(1)', 'string'],
    ['decimal(10,2)', 'decimal(10,2)'],
    ['DECIMAL', 'decimal(10,0)'],
    ['numeric(5)', 'decimal(5,0)'],
    ['timestamp', 'timestamp'],
  ])('CAST(x AS %s) casts to %s', (type, to) => {
    expect(parseSqlExpression(`CAST(x AS ${type})`)).toEqual({
      kind: 'cast',
      operand: col('x'),
      to,
    });
  });

  it('parses a searched CASE', () => {
    expect(
      parseSqlExpression("CASE WHEN a > 1 THEN 'big' WHEN a > 0 THEN 'small' ELSE 'none' END"),
    ).toEqual({
      kind: 'case',
      branches: [
        { when: bin('>', col('a'), lit(1)), then: lit('big') },
        { when: bin('>', col('a'), lit(0)), then: lit('small') },
      ],
      otherwise: lit('none'),
    });
  });

  it('turns a simple CASE into comparisons, without ELSE', () => {
    expect(parseSqlExpression("case status when 1 then 'on' when 0 then 'off' end")).toEqual({
      kind: 'case',
      branches: [
        { when: bin('=', col('status'), lit(1)), then: lit('on') },
        { when: bin('=', col('status'), lit(0)), then: lit('off') },
      ],
    });
  });

  it.each<[string, ExprNode]>([
    ['LOWER(name)', { kind: 'call', name: 'lower', args: [col('name')] }],
    ['Coalesce(a, b, 0)', { kind: 'call', name: 'coalesce', args: [col('a'), col('b'), lit(0)] }],
    ['my_udf()', { kind: 'call', name: 'my_udf', args: [] }],
    ['count(*)', { kind: 'call', name: 'count', args: [] }],
    [
      "date_trunc('hour', ts)",
      { kind: 'call', name: 'date_trunc', args: [lit('hour'), col('ts')] },
    ],
    ['`weird fn`(1)', { kind: 'call', name: 'weird fn', args: [lit(1)] }],
  ])('%s', (text, expected) => {
    expect(parseSqlExpression(text)).toEqual(expected);
  });

  it('skips comments and newlines', () => {
    expect(parseSqlExpression('a -- the amount\n  > /* limit */ 1')).toEqual(
      bin('>', col('a'), lit(1)),
    );
  });
});

describe('parseSqlExpression: errors', () => {
  function errorOf(text: string): SqlParseError {
    try {
      parseSqlExpression(text);
    } catch (e) {
      if (e instanceof SqlParseError) return e;
      throw e;
    }
    throw new Error(`expected ${JSON.stringify(text)} not to parse`);
  }

  it('points at an unexpected token with line:column and a caret', () => {
    const e = errorOf('a > (b + c)) OR d');
    expect(e.message).toContain("unexpected ')' at 1:12");
    expect(e.message).toContain('\n  a > (b + c)) OR d\n             ^');
    expect(e.position).toBe(11);
    expect(e.line).toBe(1);
    expect(e.column).toBe(12);
    expect(e.text).toBe('a > (b + c)) OR d');
    expect(e).toBeInstanceOf(PipekitError);
  });

  it('reports the line and column on a later line', () => {
    const e = errorOf("a = 1\n  AND b = 'x' AND AND c");
    expect(e.message).toContain("unexpected 'AND', expected an expression at 2:19");
    expect(e.message).toContain("\n    AND b = 'x' AND AND c\n                    ^");
  });

  it.each<[string, string]>([
    ['a >', 'unexpected end of input, expected an expression at 1:4'],
    ['a > )', "unexpected ')', expected an expression at 1:5"],
    ["a = 'open", 'unterminated string at 1:5'],
    ['a # b', "unexpected character '#' at 1:3"],
    ['a IN ()', "unexpected ')', expected an expression at 1:7"],
    ['a IN (1, 2', "unexpected end of input, expected ')' at 1:11"],
    ['CAST(a AS widget)', "unexpected 'widget', expected a type name at 1:11"],
    ['CAST(a AS decimal(50,2))', 'invalid decimal(50,2)'],
    ['CASE WHEN a THEN 1', 'unexpected end of input, expected END at 1:19'],
    ['CASE END', "unexpected 'END', expected an expression at 1:6"],
    ['x BETWEEN 1 OR 2', "unexpected 'OR', expected AND at 1:13"],
    ['a IS 5', "unexpected '5', expected NULL, TRUE, FALSE or DISTINCT FROM after IS at 1:6"],
    ["TIMESTAMP '2024-13-01'", "invalid TIMESTAMP literal '2024-13-01' at 1:11"],
    ["DATE 'soon'", "invalid DATE literal 'soon' at 1:6"],
    ['t.col', "unexpected character '.' at 1:2"],
    ['12abc', "unexpected character 'a' after a number at 1:3"],
    ['sum(*)', "unexpected '*', expected an expression at 1:5"],
    ['count(DISTINCT a)', "unexpected 'DISTINCT', DISTINCT in a call is not supported at 1:7"],
    ['a b', "unexpected 'b' at 1:3"],
    ['', 'unexpected end of input, expected an expression at 1:1'],
  ])('%j fails with %s', (text, message) => {
    expect(errorOf(text).message).toContain(message);
  });

  it('offers the error as an issue', () => {
    expect(errorOf('a >').toIssue(['filter'])).toEqual({
      path: ['filter'],
      message: 'unexpected end of input, expected an expression at 1:4 in "a >"',
    });
  });
});
