import type { ExprNode } from './expr-node.js';
import { type ExprVisitor, visitExpr } from './expr-visitor.js';

/** The direct children of a node, in source order. */
export function exprChildren(node: ExprNode): readonly ExprNode[] {
  return visitExpr(node, childrenOf);
}

const childrenOf: ExprVisitor<readonly ExprNode[]> = {
  column: () => [],
  literal: () => [],
  binary: (n) => [n.left, n.right],
  unary: (n) => [n.operand],
  isNull: (n) => [n.operand],
  in: (n) => [n.operand, ...n.list],
  like: (n) => [n.operand, n.pattern],
  between: (n) => [n.operand, n.low, n.high],
  cast: (n) => [n.operand],
  case: (n) => [
    ...n.branches.flatMap((b) => [b.when, b.then]),
    ...(n.otherwise ? [n.otherwise] : []),
  ],
  call: (n) => n.args,
};

/**
 * The columns an expression reads, each once, in order of first appearance.
 *
 * @example
 * referencedColumns(parseSqlExpression('a + b > a')); // ['a', 'b']
 */
export function referencedColumns(node: ExprNode): string[] {
  const seen = new Set<string>();
  const walk = (n: ExprNode): void => {
    if (n.kind === 'column') seen.add(n.name);
    else for (const c of exprChildren(n)) walk(c);
  };
  walk(node);
  return [...seen];
}
