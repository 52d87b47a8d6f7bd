import type { LiteralValue } from './expr-node.js';
import { type Expr, type ExprOf, expr, literalNode, type Operand, toNode } from './typed-expr.js';

/** A constant as an expression: `lit(100)`, `lit('purchase')`, `lit(new Date(...))`. */
export function lit<T extends LiteralValue | Date>(
  value: T,
): Expr<T extends number ? number : T extends string ? string : T> {
  return expr(literalNode(value));
}

/** A calendar date constant, as SQL's `DATE '2026-01-31'`. */
lit.date = (isoDate: string): Expr<Date> => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(isoDate))
    throw new RangeError(`'${isoDate}' is not a date: expected YYYY-MM-DD`);
  return expr({ kind: 'literal', value: isoDate, type: 'date' });
};

/** A double constant even when it is whole, as SQL's `2.0`. */
lit.double = (value: number): Expr<number> => expr({ kind: 'literal', value, type: 'double' });

/** A column by name, untyped: prefer the typed row (`r => r.amount`) where the row type is known. */
export function col<T = unknown>(name: string): Expr<T> {
  return expr({ kind: 'column', name });
}

/** The opposite of a condition (SQL `NOT`): `not(r.vip)`. */
export function not(e: Operand<boolean>): Expr<boolean> {
  return expr({ kind: 'unary', op: 'not', operand: toNode(e) });
}

/** All of the conditions (SQL AND). */
export function and(first: Operand<boolean>, ...rest: readonly Operand<boolean>[]): Expr<boolean> {
  return expr(
    rest.reduce(
      (acc, e) => ({ kind: 'binary', op: 'and', left: acc, right: toNode(e) }),
      toNode(first),
    ),
  );
}

/** Any of the conditions (SQL OR). */
export function or(first: Operand<boolean>, ...rest: readonly Operand<boolean>[]): Expr<boolean> {
  return expr(
    rest.reduce(
      (acc, e) => ({ kind: 'binary', op: 'or', left: acc, right: toNode(e) }),
      toNode(first),
    ),
  );
}

/** The first non-null value. */
export function coalesce<T>(
  first: ExprOf<T>,
  ...rest: readonly Operand<NonNullable<T>>[]
): Expr<T> {
  return expr({ kind: 'call', name: 'coalesce', args: [first.node, ...rest.map(toNode)] });
}

/** A Spark SQL function by name, for the ones the typed API does not name: `fn('date_add', r.day, 1)`. */
export function fn<T = unknown>(name: string, ...args: readonly unknown[]): Expr<T> {
  return expr({ kind: 'call', name: name.toLowerCase(), args: args.map(toNode) });
}

interface CaseBuilder<T> {
  when<U>(condition: Operand<boolean>, value: Operand<U>): CaseBuilder<T | U>;
  otherwise<U>(value: Operand<U>): Expr<T | U>;
  /** Without `otherwise`, unmatched rows give NULL. */
  end(): Expr<T | null>;
}

function caseBuilder<T>(
  branches: { when: ReturnType<typeof toNode>; then: ReturnType<typeof toNode> }[],
): CaseBuilder<T> {
  return {
    when: (c, v) => caseBuilder([...branches, { when: toNode(c), then: toNode(v) }]),
    otherwise: (v) => expr({ kind: 'case', branches, otherwise: toNode(v) }),
    end: () => expr({ kind: 'case', branches }),
  };
}

/** `when(r.amount.gt(100), 'big').when(r.amount.gt(10), 'medium').otherwise('small')` */
export function when<T>(condition: Operand<boolean>, value: Operand<T>): CaseBuilder<T> {
  return caseBuilder([{ when: toNode(condition), then: toNode(value) }]);
}
