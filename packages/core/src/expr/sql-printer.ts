import type { ExprNode, LiteralNode, LiteralValue } from './expr-node.js';
import { type ExprVisitor, visitExpr } from './expr-visitor.js';
import { reservedWords } from './sql-parser.js';
import { formatSqlType } from './sql-types.js';
import { formatDate, formatTimestamp, parseDate, parseTimestamp } from './time-values.js';

// Binding strength, loosest first; a child binding looser than its parent needs parentheses.
const Prec = {
  Or: 1,
  And: 2,
  Not: 3,
  Predicate: 4,
  Additive: 5,
  Multiplicative: 6,
  Unary: 7,
  Primary: 8,
} as const;
type Prec = number;

const binaryPrec: Readonly<Record<string, Prec>> = {
  or: Prec.Or,
  and: Prec.And,
  '+': Prec.Additive,
  '-': Prec.Additive,
  '||': Prec.Additive,
  '*': Prec.Multiplicative,
  '/': Prec.Multiplicative,
  '%': Prec.Multiplicative,
};

function precedence(node: ExprNode): Prec {
  switch (node.kind) {
    case 'binary':
      return binaryPrec[node.op] ?? Prec.Predicate;
    case 'unary':
      return node.op === 'not' ? Prec.Not : Prec.Unary;
    case 'isNull':
    case 'in':
    case 'like':
    case 'between':
      return Prec.Predicate;
    default:
      return Prec.Primary;
  }
}

/**
 * Prints an expression as Spark SQL with only the parentheses it needs, so that
 * `parseSqlExpression(printSql(x))` deep-equals `x` for every tree the parser produces.
 * Nested comparisons (`(a = b) = c`) keep their parentheses because Spark rejects them bare.
 *
 * @example
 * printSql(parseSqlExpression('(a + b) * c > 10 and not x')); // '(a + b) * c > 10 AND NOT x'
 */
export function printSql(node: ExprNode): string {
  return visitExpr(node, printer);
}

/** `child` printed as an operand, in parentheses when it binds looser than `min`. */
function operand(child: ExprNode, min: Prec): string {
  const text = printSql(child);
  return precedence(child) < min ? `(${text})` : text;
}

const printer: ExprVisitor<string> = {
  column: (n) => formatSqlIdentifier(n.name),
  literal: (n) => formatSqlLiteral(n.value, n.type),
  binary: (n) => {
    const p = binaryPrec[n.op] ?? Prec.Predicate;
    // Left-associative: the left child may bind as loosely as the parent, the right may not.
    // A comparison under a comparison is always parenthesised (Spark's grammar needs it).
    const leftMin = p === Prec.Predicate ? Prec.Additive : p;
    return `${operand(n.left, leftMin)} ${n.op.toUpperCase()} ${operand(n.right, p + 1)}`;
  },
  unary: (n) => {
    if (n.op === 'not') return `NOT ${operand(n.operand, Prec.Not)}`;
    const text = operand(n.operand, Prec.Unary);
    // `-5` would read back as a negative literal and `--` starts a comment.
    const numeric = n.operand.kind === 'literal' && typeof n.operand.value === 'number';
    return numeric || text.startsWith('-') ? `-(${printSql(n.operand)})` : `-${text}`;
  },
  isNull: (n) => `${operand(n.operand, Prec.Additive)} IS ${n.negated ? 'NOT ' : ''}NULL`,
  in: (n) =>
    `${operand(n.operand, Prec.Additive)} ${n.negated ? 'NOT ' : ''}IN (${n.list.map(printSql).join(', ')})`,
  like: (n) => {
    const op = `${n.negated ? 'NOT ' : ''}${n.caseInsensitive ? 'ILIKE' : 'LIKE'}`;
    return `${operand(n.operand, Prec.Additive)} ${op} ${operand(n.pattern, Prec.Additive)}`;
  },
  between: (n) => {
    const op = n.negated ? 'NOT BETWEEN' : 'BETWEEN';
    const range = `${operand(n.low, Prec.Additive)} AND ${operand(n.high, Prec.Additive)}`;
    return `${operand(n.operand, Prec.Additive)} ${op} ${range}`;
  },
  cast: (n) => `CAST(${printSql(n.operand)} AS ${formatSqlType(n.to)})`,
  case: (n) => {
    const branches = n.branches.map((b) => ` WHEN ${printSql(b.when)} THEN ${printSql(b.then)}`);
    const otherwise = n.otherwise === undefined ? '' : ` ELSE ${printSql(n.otherwise)}`;
    return `CASE${branches.join('')}${otherwise} END`;
  },
  call: (n) => {
    // `count(*)` is the only call the parser reads with no arguments in a star.
    if (n.name === 'count' && n.args.length === 0) return 'count(*)';
    return `${formatSqlIdentifier(n.name)}(${n.args.map(printSql).join(', ')})`;
  },
};

const plainIdentifier = /^[A-Za-z_][A-Za-z0-9_]*$/;

// Words our parser takes as names but Spark reserves: quoted on output so Spark reads them too.
const sparkReserved = new Set(
  'all any by create exists from group having intersect join limit on order select some table to union where with'.split(
    ' ',
  ),
);

/** A column or function name, backquoted when it is not a plain word or is a keyword. */
export function formatSqlIdentifier(name: string): string {
  const lower = name.toLowerCase();
  if (plainIdentifier.test(name) && !reservedWords.has(lower) && !sparkReserved.has(lower))
    return name;
  return `\`${name.replaceAll('`', '``')}\``;
}

/** A string literal in single quotes; `'` doubles, `\` and control characters are escaped. */
export function formatSqlString(value: string): string {
  const body = value
    .replaceAll('\\', '\\\\')
    .replaceAll("'", "''")
    .replaceAll('\n', '\\n')
    .replaceAll('\r', '\\r')
    .replaceAll('\t', '\\t')
    .replaceAll('\0', '\\0');
  return `'${body}'`;
}

/**
 * A value as a Spark SQL literal: `NULL`, `TRUE`, `42`, `2.0` (a double), `'it''s'`,
 * `TIMESTAMP '2024-01-01 00:00:00'`, `DATE '2024-01-01'`. A `Date` prints as a TIMESTAMP.
 *
 * @example
 * formatSqlLiteral("it's"); // "'it''s'"
 * formatSqlLiteral('2024-01-01T00:00:00.000Z', 'timestamp'); // "TIMESTAMP '2024-01-01 00:00:00'"
 * @throws RangeError for NaN and infinities, which have no SQL literal.
 */
export function formatSqlLiteral(value: LiteralValue | Date, type?: LiteralNode['type']): string {
  if (value instanceof Date)
    return `TIMESTAMP ${formatSqlString(formatTimestamp(value.getTime()))}`;
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') return formatNumber(value, type);
  if (type === 'timestamp') {
    const ms = parseTimestamp(value);
    return `TIMESTAMP ${formatSqlString(ms === null ? value : formatTimestamp(ms))}`;
  }
  if (type === 'date') {
    const ms = parseDate(value);
    return `DATE ${formatSqlString(ms === null ? value : formatDate(ms))}`;
  }
  return formatSqlString(value);
}

function formatNumber(value: number, type: LiteralNode['type']): string {
  if (!Number.isFinite(value)) throw new RangeError(`${value} has no Spark SQL literal`);
  const text = Object.is(value, -0) ? '-0' : String(value);
  // A double keeps a fraction or exponent so it reads back as a double.
  if (type === 'double' && !/[.e]/.test(text)) return `${text}.0`;
  return text;
}
