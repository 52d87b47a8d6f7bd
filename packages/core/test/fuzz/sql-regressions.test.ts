import { describe, expect, it } from 'vitest';
import { PipekitError } from '../../src/errors/pipekit-error.js';
import { checkExpr, compileExpr, parseSqlExpression } from '../../src/expr/index.js';
import type { Schema } from '../../src/schema/data-type.js';

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
