import { type ExprNode, type IssuePath, parseSqlExpression, SqlParseError } from '@pipekit/core';
import type { Ctx } from './context.js';

export const supportedSql =
  'Spark SQL comparisons, AND/OR/NOT, IN, LIKE, BETWEEN, IS [NOT] NULL, arithmetic, CAST, CASE and common functions';

/** A legacy `condition` as an expression tree; text that does not parse is an error at `path`. */
export function condition(ctx: Ctx, text: unknown, path: IssuePath): ExprNode {
  if (typeof text !== 'string' || text.trim() === '')
    ctx.fail(path, 'expected a Spark SQL condition');
  try {
    return parseSqlExpression(text);
  } catch (e) {
    if (e instanceof SqlParseError) {
      const [, ...caret] = e.message.split('\n');
      ctx.fail(
        path,
        `the condition does not parse: ${e.reason} at ${e.line}:${e.column}`,
        supportedSql,
        caret.join('\n'),
      );
    }
    throw e;
  }
}
