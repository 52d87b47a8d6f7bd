import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/duration/duration.js';
import { PipekitError } from '../../src/errors/pipekit-error.js';
import { checkExpr, compileExpr, parseSqlExpression } from '../../src/expr/index.js';
import type { Schema } from '../../src/schema/data-type.js';
import { parseSparkType } from '../../src/schema/ddl.js';

// Counterexamples the fuzzers in this directory found, kept so the fixes stay fixed.

const schema: Schema = { fields: [{ name: 'a', type: 'string', nullable: true }] };

describe('fuzz regressions: SQL expressions', () => {
  // seed -1014689617: `new RegExp('(')` threw a bare SyntaxError out of the compiled row function.
  it('an invalid regular expression literal is a type-check issue, not a crash', () => {
    const tree = parseSqlExpression('CASE WHEN a regexp "(" THEN a END');
    expect(checkExpr(tree, schema)).toEqual([
      expect.objectContaining({
        path: ['branches', 0, 'when'],
        message: expect.stringMatching(
          /^rlike: invalid regular expression "\(": Unterminated group/,
        ),
      }),
    ]);
  });

  it('a pattern read from a row that does not compile stops with a PipekitError', () => {
    const f = compileExpr(parseSqlExpression("'x' rlike a"), schema);
    expect(f({ a: 'x+' })).toBe(true);
    expect(() => f({ a: '(' })).toThrow(PipekitError);
    expect(() => f({ a: '(' })).toThrow(/rlike: invalid regular expression "\("/);
  });
});

describe('fuzz regressions: keys of Object.prototype in user text', () => {
  // Lookups in plain-object tables found Object.prototype's members for these names.
  it("CAST('constructor' AS DOUBLE) is NULL, not the Object function", () => {
    for (const text of ['constructor', 'toString', '__proto__', 'hasOwnProperty'])
      expect(compileExpr(parseSqlExpression(`CAST('${text}' AS DOUBLE)`))({})).toBeNull();
  });

  it("date_trunc('constructor', ts) is NULL (an unknown unit)", () => {
    const f = compileExpr(
      parseSqlExpression("date_trunc('constructor', TIMESTAMP '2024-01-01 10:00:00')"),
    );
    expect(f({})).toBeNull();
  });

  it('CAST(x AS constructor) and the DDL type constructor are unknown types', () => {
    expect(() => parseSqlExpression('CAST(1 AS constructor)')).toThrow(/expected a type name/);
    expect(() => parseSparkType('constructor')).toThrow();
    expect(() => parseSparkType('toString')).toThrow();
  });

  it("the duration '10 constructor' has an unknown unit", () => {
    expect(() => parseDuration('10 constructor')).toThrow(/unknown unit 'constructor'/);
  });
});
