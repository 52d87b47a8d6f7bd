import type { ExprNode } from './expr-node.js';

export type ExprKind = ExprNode['kind'];

/** The node of one kind: `ExprNodeOf<'binary'>` is `BinaryNode`. */
export type ExprNodeOf<K extends ExprKind> = Extract<ExprNode, { kind: K }>;

/**
 * One handler per node kind. Typed as a mapped record so that adding a node kind to `ExprNode`
 * fails to compile until every visitor (printer, type inference, compiler, ...) handles it.
 */
export type ExprVisitor<R> = { readonly [K in ExprKind]: (node: ExprNodeOf<K>) => R };

/** Calls the visitor's handler for the node's kind (the exhaustive dispatch every expression pass uses). */
export function visitExpr<R>(node: ExprNode, visitor: ExprVisitor<R>): R {
  // The cast is sound: `node.kind` selects the handler written for exactly that node type.
  const handler = visitor[node.kind] as (n: ExprNode) => R;
  return handler(node);
}
