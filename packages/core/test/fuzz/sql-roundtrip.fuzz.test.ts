import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PipekitError } from '../../src/errors/pipekit-error.js';
import {
  checkExpr,
  compileExpr,
  type ExprNode,
  parseSqlExpression,
  printSql,
  SqlParseError,
} from '../../src/expr/index.js';
import type { Schema } from '../../src/schema/data-type.js';
import { fuzzParameters } from './fuzz-settings.js';
import { mutatedText, sqlText } from './sql-text.js';

/** The tree of `text`, or the SqlParseError; anything else thrown fails the property. */
function tryParse(text: string): ExprNode | SqlParseError {
  try {
    return parseSqlExpression(text);
  } catch (e) {
    if (e instanceof SqlParseError) return e;
    throw e;
  }
}

/** Whatever parses prints to a text that parses back to the same tree and prints the same. */
function assertStableRoundTrip(tree: ExprNode): void {
  const printed = printSql(tree);
  const again = parseSqlExpression(printed);
  expect(again).toEqual(tree);
  expect(printSql(again)).toBe(printed);
}

/** A parse error names a position inside the text and draws a caret under it. */
function assertCleanError(text: string, e: SqlParseError): void {
  expect(e.position).toBeGreaterThanOrEqual(0);
  expect(e.position).toBeLessThanOrEqual(text.length);
  expect(e.message).toMatch(/ at \d+:\d+\n/);
  expect(e.message).toContain('^');
}

const schema: Schema = {
  fields: [
    { name: 'a', type: 'integer', nullable: true },
    { name: 'b', type: 'double', nullable: true },
    { name: 'x', type: 'string', nullable: true },
    { name: 'y', type: 'boolean', nullable: true },
    { name: 'amount', type: 'long', nullable: true },
    { name: 'event_type', type: 'string', nullable: false },
    { name: 'Ts', type: 'timestamp', nullable: true },
  ],
};

describe('Spark SQL parser and printer under generated input', () => {
  it('print → parse → print is stable for every generated expression', () => {
    fc.assert(
      fc.property(sqlText, (text) => {
        const tree = tryParse(text);
        // Unparenthesised generation can be ambiguous on purpose; a clean error is fine then.
        if (tree instanceof SqlParseError) return assertCleanError(text, tree);
        assertStableRoundTrip(tree);
      }),
      fuzzParameters(300),
    );
  });

  it('mutated expressions give a tree that round-trips or a clean error with a caret', () => {
    fc.assert(
      fc.property(mutatedText(sqlText), (text) => {
        const tree = tryParse(text);
        if (tree instanceof SqlParseError) return assertCleanError(text, tree);
        assertStableRoundTrip(tree);
      }),
      fuzzParameters(500),
    );
  });

  it('the type checker and the compiler refuse with issues, never crash', () => {
    fc.assert(
      fc.property(sqlText, (text) => {
        const tree = tryParse(text);
        if (tree instanceof SqlParseError) return;
        expect(Array.isArray(checkExpr(tree, schema))).toBe(true);
        try {
          const f = compileExpr(tree, schema, { now: () => 0 });
          for (const row of [
            { a: 1, b: 2.5, x: 's', y: true, amount: 10, event_type: 'e', Ts: new Date(0) },
            { a: null, b: null, x: null, y: null, amount: null, event_type: 'e', Ts: null },
          ])
            expect(typeof f(row)).toMatch(/^(string|number|boolean|object)$/);
        } catch (e) {
          // Bad input (unknown function, wrong arity, aggregate in a row expression) is a
          // PipekitError; any other exception is a bug.
          if (!(e instanceof PipekitError)) throw e;
        }
      }),
      fuzzParameters(300),
    );
  });
});
