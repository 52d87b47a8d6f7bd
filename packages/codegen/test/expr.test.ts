import {
  and,
  col,
  columnsOf,
  type ExprNode,
  fn,
  lit,
  or,
  parseSqlExpression,
  when,
} from '@pipekit/core';
import { describe, expect, it } from 'vitest';
import { ExprPrinter } from '../src/print/expr.js';
import { asSql, schema, typed } from './expr-cases.js';

/** Runs printed code the way the generated file would, and returns the tree it builds. */
function treeOf(code: string): ExprNode {
  const run = new Function('r', 'lit', 'col', 'fn', 'when', 'and', 'or', `return (${code});`) as (
    ...a: unknown[]
  ) => { node: ExprNode };
  return run(columnsOf(), lit, col, fn, when, and, or).node;
}

describe('typed expression code', () => {
  it.each(typed)('%s prints as typed code building the same tree', (text) => {
    const tree = parseSqlExpression(text);
    const printed = new ExprPrinter(schema).predicate(tree);
    expect(printed).not.toBeNull();
    expect(printed?.code).not.toContain('sql`');
    expect(treeOf(printed!.code)).toEqual(tree);
  });

  it.each(asSql)('%s has no typed form with the same tree, so it stays SQL', (text) => {
    expect(new ExprPrinter(schema).predicate(parseSqlExpression(text))).toBeNull();
  });

  it('reads untyped rows with col()', () => {
    const tree = parseSqlExpression("event_type = 'purchase' AND amount > 100");
    const printed = new ExprPrinter(null).predicate(tree);
    expect(printed?.code).toBe("col('event_type').eq('purchase').and(col('amount').gt(100))");
    expect(treeOf(printed!.code)).toEqual(tree);
  });

  it('uses r.x for identifiers and r[...] for other names', () => {
    expect(
      new ExprPrinter(schema).predicate(parseSqlExpression('length(`odd name`) > 0'))?.code,
    ).toBe("r['odd name'].length().gt(0)");
  });
});
