import type { Schema } from '../schema/data-type.js';
import { Emitter } from './compile-emitter.js';
import type { ExprNode } from './expr-node.js';

export type ExprRow = Readonly<Record<string, unknown>>;
export type CompiledExpr = (row: ExprRow) => unknown;

export interface CompileOptions {
  /**
   * The clock for `current_timestamp()`, `current_date()` and `unix_timestamp()`, in epoch ms.
   * Read once per row; a runtime passes one fixed per micro-batch to get Spark's
   * "same instant for the whole query" behaviour. Default `Date.now`.
   */
  readonly now?: () => number;
}

/**
 * Compiles an expression once into a JS function of a row, with Spark SQL semantics: NULL (null
 * or undefined in the row) propagates, AND/OR use three-valued logic, `/` gives a double and
 * division by zero NULL, `%` keeps the dividend's sign, CASTs follow Spark's non-ANSI rules.
 * Timestamp and date columns hold `Date`s, `logical: 'epochMillis'` columns epoch ms; both
 * compare with timestamp literals and ISO strings by epoch ms.
 *
 * The schema is optional; with it, the compiler picks typed fast paths (plain `===`, `<`, `+` on
 * numbers and strings) and prints doubles as Spark does in CASTs to string. Without it, values are
 * inspected per row. Unknown columns read as NULL.
 *
 * @example
 * const f = compileExpr(parseSqlExpression("amount * 2 > 100 AND kind = 'buy'"));
 * f({ amount: 60, kind: 'buy' }); // true
 * f({ amount: null, kind: 'sell' }); // false (NULL AND FALSE)
 * @throws PipekitError for an unknown function, a wrong number of arguments, an aggregate
 * function, or a CAST to a complex type.
 */
export function compileExpr(
  node: ExprNode,
  schema?: Schema,
  options: CompileOptions = {},
): CompiledExpr {
  return build(node, schema, options, false) as CompiledExpr;
}

/**
 * Like `compileExpr`, for filters: true only when the expression is TRUE; NULL and FALSE are false.
 *
 * @example
 * const keep = compilePredicate(parseSqlExpression('amount > 100'));
 * keep({ amount: null }); // false
 */
export function compilePredicate(
  node: ExprNode,
  schema?: Schema,
  options: CompileOptions = {},
): (row: ExprRow) => boolean {
  return build(node, schema, options, true) as (row: ExprRow) => boolean;
}

function build(
  node: ExprNode,
  schema: Schema | undefined,
  options: CompileOptions,
  predicate: boolean,
): unknown {
  const { source, constants } = new Emitter(schema, options.now ?? Date.now).build(node, predicate);
  // The source holds no user text except through JSON.stringify; values arrive as constants.
  return new Function('$c', source)(constants);
}
