import { parseSqlExpression } from './sql-parser.js';
import { formatSqlLiteral } from './sql-printer.js';
import { type Expr, expr } from './typed-expr.js';

declare const sqlBrand: unique symbol;

/** An expression parsed from Spark SQL text; its value type is known only once checked against a schema. */
export type SqlExpr = Expr<unknown> & { readonly [sqlBrand]: true };

/**
 * Spark SQL expression text: `` sql`amount > ${limit} AND event_type = 'purchase'` ``. Interpolated
 * values become literals (never spliced as text), so a value cannot change the expression's shape.
 * Columns are checked against the row type when the step is built.
 */
export function sql(strings: TemplateStringsArray, ...values: readonly unknown[]): SqlExpr {
  let text = strings[0] ?? '';
  values.forEach((v, i) => {
    text += formatSqlLiteral(v as Parameters<typeof formatSqlLiteral>[0]) + (strings[i + 1] ?? '');
  });
  return expr(parseSqlExpression(text)) as SqlExpr;
}
