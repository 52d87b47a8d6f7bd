export { castConverter } from './cast.js';
export { exprChildren, referencedColumns } from './columns.js';
export { compareValues, nullSafeEquals, sqlEquals, sqlIn } from './compare.js';
export {
  type CompiledExpr,
  type CompileOptions,
  compileExpr,
  compilePredicate,
  type ExprRow,
} from './compile.js';
export * from './expr-node.js';
export type { ExprType, ExprTypeName } from './expr-type.js';
export { commonType, widerNumeric } from './expr-type.js';
export type { ExprKind, ExprNodeOf, ExprVisitor } from './expr-visitor.js';
export { visitExpr } from './expr-visitor.js';
export {
  type AggregateFunction,
  functionNames,
  lookupAggregate,
  lookupFunction,
  type SqlFunction,
} from './functions.js';
export { checkExpr, inferExprType } from './infer-type.js';
export { likeToRegExp } from './like.js';
export { roundHalfUp } from './spark-number.js';
export { type SqlToken, type SqlTokenKind, tokenizeSql } from './sql-lexer.js';
export { SqlParseError } from './sql-parse-error.js';
export { parseSqlExpression, reservedWords } from './sql-parser.js';
export { formatSqlIdentifier, formatSqlLiteral, formatSqlString, printSql } from './sql-printer.js';
export { formatSqlType, sqlTypeAliases } from './sql-types.js';
export { formatDate, formatTimestamp, parseDate, parseTimestamp } from './time-values.js';
