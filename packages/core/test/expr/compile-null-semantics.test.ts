import { describe, expect, it } from 'vitest';
import { compileExpr, compilePredicate, parseSqlExpression } from '../../src/expr/index.js';
import type { Schema } from '../../src/schema/data-type.js';

const schema: Schema = {
  fields: [
    { name: 't', type: 'boolean', nullable: true },
    { name: 'f', type: 'boolean', nullable: true },
    { name: 'n', type: 'boolean', nullable: true },
    { name: 'x', type: 'integer', nullable: true },
    { name: 's', type: 'string', nullable: true },
  ],
};
const row = { t: true, f: false, n: null, x: null, s: null };

// Every case runs with and without the schema: typed fast paths and generic code must agree.
const evaluate = (text: string, r: Record<string, unknown> = row): unknown[] => [
  compileExpr(parseSqlExpression(text))(r),
  compileExpr(parseSqlExpression(text), schema)(r),
];

describe('three-valued logic', () => {
  it.each<[string, boolean | null]>([
    ['n AND f', false],
    ['f AND n', false],
    ['n AND t', null],
    ['t AND n', null],
    ['n AND n', null],
    ['t AND t', true],
    ['n OR t', true],
    ['t OR n', true],
    ['n OR f', null],
    ['f OR n', null],
    ['f OR f', false],
    ['NOT n', null],
    ['NOT f', true],
    ['NOT (n AND f)', true],
    ['NULL AND FALSE', false],
    ['NULL OR TRUE', true],
  ])('%s is %s', (text, expected) => {
    expect(evaluate(text)).toEqual([expected, expected]);
  });
});

describe('NULL propagation', () => {
  it.each<[string, unknown]>([
    ['x = 1', null],
    ['x <> 1', null],
    ['x < 1', null],
    ['NULL = NULL', null],
    ['x <=> NULL', true],
    ['x <=> 1', false],
    ['1 <=> 1', true],
    ['x + 1', null],
    ['-x', null],
    ['x * 0', null],
    ["s || 'a'", null],
    ['x IS NULL', true],
    ['x IS NOT NULL', false],
    ['x IN (1, 2)', null],
    ['1 IN (1, NULL)', true],
    ['3 IN (1, NULL)', null],
    ['3 NOT IN (1, NULL)', null],
    ['3 NOT IN (1, 2)', true],
    ['1 NOT IN (1, NULL)', false],
    ["s LIKE 'a%'", null],
    ['x BETWEEN 1 AND 2', null],
    ['5 BETWEEN NULL AND 3', false],
    ['2 BETWEEN NULL AND 3', null],
    ['CAST(x AS STRING)', null],
    ['CASE WHEN n THEN 1 ELSE 2 END', 2],
    ['CASE WHEN f THEN 1 END', null],
    ['coalesce(x, s, 7)', 7],
    ['upper(s)', null],
  ])('%s is %j', (text, expected) => {
    expect(evaluate(text)).toEqual([expected, expected]);
  });

  it('reads a missing column and undefined as NULL', () => {
    const f = compileExpr(parseSqlExpression('a IS NULL AND b IS NULL'));
    expect(f({ b: undefined })).toBe(true);
  });

  it('does not read Object.prototype for a missing column', () => {
    const f = compileExpr(parseSqlExpression('`constructor` IS NULL AND `toString` IS NULL'));
    expect(f({})).toBe(true);
    expect(compileExpr(parseSqlExpression('`constructor`'))({ constructor: 5 })).toBe(5);
  });
});

describe('compilePredicate', () => {
  const p = compilePredicate(parseSqlExpression('x > 1'), schema);
  it.each<[unknown, boolean]>([
    [2, true],
    [1, false],
    [null, false],
    [undefined, false],
  ])('x = %j keeps the row: %s', (x, expected) => {
    expect(p({ x })).toBe(expected);
  });
});
