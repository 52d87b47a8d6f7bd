import type { Issue, IssuePath } from '../errors/pipekit-error.js';
import type { DataType, Field, Schema } from '../schema/data-type.js';
import type { ComparisonOp, ExprNode, LiteralNode } from './expr-node.js';
import {
  commonType,
  type ExprType,
  type ExprTypeName,
  isNumeric,
  isTime,
  typeLabel,
  widerNumeric,
} from './expr-type.js';
import { type ExprVisitor, visitExpr } from './expr-visitor.js';
import { functionNames, lookupAggregate, lookupFunction } from './functions.js';
import { printSql } from './sql-printer.js';
import { closestName } from './suggest.js';

export type { ExprType, ExprTypeName } from './expr-type.js';

/**
 * The static type of an expression over rows of `schema`: a Spark data type, `'null'` for a bare
 * NULL, or `'unknown'` when it cannot be told (unknown column or function). Never throws; use
 * `checkExpr` for the reasons.
 *
 * @example
 * inferExprType(parseSqlExpression('amount * 2'), { fields: [{ name: 'amount', type: 'double', nullable: false }] });
 * // { type: 'double', nullable: false }
 */
export function inferExprType(node: ExprNode, schema: Schema): ExprType {
  return new Analyzer(schema).type(node);
}

/**
 * What is wrong with an expression over rows of `schema`: unknown columns (listing the known
 * ones), a number compared with a string, arithmetic or boolean logic on the wrong types, unknown
 * functions and wrong argument counts. Each issue's path leads into the tree (`['left', 'args', 0]`),
 * so callers prefix it with where the expression sits.
 */
export function checkExpr(node: ExprNode, schema: Schema): Issue[] {
  const analyzer = new Analyzer(schema);
  analyzer.type(node);
  return analyzer.issues;
}

const unknown: ExprType = { type: 'unknown', nullable: true };

type Category = 'numeric' | 'string' | 'boolean' | 'time' | 'binary' | 'complex' | 'none';

function category(t: ExprTypeName): Category {
  if (t === 'null' || t === 'unknown') return 'none';
  if (isNumeric(t)) return 'numeric';
  if (isTime(t)) return 'time';
  if (t === 'string' || t === 'boolean' || t === 'binary') return t;
  return 'complex';
}

/** Pairs Spark compares after an implicit cast; a long compares with a time as epoch millis. */
function comparable(a: Category, b: Category): boolean {
  if (a === 'none' || b === 'none' || a === b) return true;
  const pair = [a, b].sort().join('+');
  return pair === 'string+time' || pair === 'numeric+time' || pair === 'boolean+string';
}

class Analyzer {
  readonly issues: Issue[] = [];
  private path: (string | number)[] = [];
  private readonly fields: ReadonlyMap<string, Field>;

  constructor(private readonly schema: Schema) {
    this.fields = new Map(schema.fields.map((f) => [f.name, f]));
  }

  type(node: ExprNode): ExprType {
    return visitExpr(node, this.visitor);
  }

  /** The type of a child, with the path extended while it is analysed. */
  private child(node: ExprNode, ...segments: (string | number)[]): ExprType {
    const saved = this.path;
    this.path = [...saved, ...segments];
    try {
      return this.type(node);
    } finally {
      this.path = saved;
    }
  }

  private report(message: string, fix?: string, at: IssuePath = this.path): void {
    this.issues.push(fix === undefined ? { path: at, message } : { path: at, message, fix });
  }

  private requireBoolean(t: ExprType, what: string, at: (string | number)[]): void {
    const c = category(t.type);
    if (c !== 'boolean' && c !== 'none')
      this.report(`${what} needs a boolean, got ${typeLabel(t.type)}`, undefined, [
        ...this.path,
        ...at,
      ]);
  }

  private checkComparable(
    left: ExprNode,
    l: ExprType,
    right: ExprNode,
    r: ExprType,
    at: (string | number)[],
  ): void {
    const a = category(l.type);
    const b = category(r.type);
    if (comparable(a, b)) return;
    const message = `cannot compare ${printSql(left)} (${typeLabel(l.type)}) with ${printSql(right)} (${typeLabel(r.type)})`;
    const fix =
      a === 'numeric' && b === 'string'
        ? `compare with a number (no quotes) or CAST(${printSql(right)} AS ${typeLabel(l.type).toUpperCase()})`
        : a === 'string' && b === 'numeric'
          ? `compare with a string or CAST(${printSql(left)} AS ${typeLabel(r.type).toUpperCase()})`
          : undefined;
    this.report(message, fix, [...this.path, ...at]);
  }

  private readonly visitor: ExprVisitor<ExprType> = {
    column: (n) => {
      const field = this.fields.get(n.name);
      if (field !== undefined) return { type: field.type, nullable: field.nullable };
      const known = this.schema.fields.map((f) => f.name);
      const close = closestName(n.name, known);
      this.report(
        `unknown column '${n.name}'; known columns: ${known.join(', ') || '(none)'}`,
        close === undefined ? undefined : `did you mean '${close}'?`,
      );
      return unknown;
    },
    literal: (n) => ({ type: literalType(n), nullable: n.value === null }),
    binary: (n) => {
      const l = this.child(n.left, 'left');
      const r = this.child(n.right, 'right');
      const nullable = l.nullable || r.nullable;
      switch (n.op) {
        case 'and':
        case 'or':
          this.requireBoolean(l, n.op.toUpperCase(), ['left']);
          this.requireBoolean(r, n.op.toUpperCase(), ['right']);
          return { type: 'boolean', nullable };
        case '||':
          return { type: 'string', nullable };
        case '+':
        case '-':
        case '*':
        case '/':
        case '%':
          return this.arithmetic(n.op, l, r);
        default:
          this.checkComparable(n.left, l, n.right, r, []);
          return { type: 'boolean', nullable: (n.op as ComparisonOp) === '<=>' ? false : nullable };
      }
    },
    unary: (n) => {
      const t = this.child(n.operand, 'operand');
      if (n.op === 'not') {
        this.requireBoolean(t, 'NOT', ['operand']);
        return { type: 'boolean', nullable: t.nullable };
      }
      const c = category(t.type);
      if (c !== 'numeric' && c !== 'none')
        this.report(`cannot negate ${typeLabel(t.type)}: arithmetic needs numbers`);
      return c === 'numeric'
        ? t
        : { type: t.type === 'null' ? 'null' : 'double', nullable: t.nullable };
    },
    isNull: (n) => {
      this.child(n.operand, 'operand');
      return { type: 'boolean', nullable: false };
    },
    in: (n) => {
      const t = this.child(n.operand, 'operand');
      let nullable = t.nullable;
      n.list.forEach((item, i) => {
        const it = this.child(item, 'list', i);
        nullable ||= it.nullable;
        this.checkComparable(n.operand, t, item, it, ['list', i]);
      });
      return { type: 'boolean', nullable };
    },
    like: (n) => {
      const t = this.child(n.operand, 'operand');
      const p = this.child(n.pattern, 'pattern');
      return { type: 'boolean', nullable: t.nullable || p.nullable };
    },
    between: (n) => {
      const t = this.child(n.operand, 'operand');
      const lo = this.child(n.low, 'low');
      const hi = this.child(n.high, 'high');
      this.checkComparable(n.operand, t, n.low, lo, ['low']);
      this.checkComparable(n.operand, t, n.high, hi, ['high']);
      return { type: 'boolean', nullable: t.nullable || lo.nullable || hi.nullable };
    },
    cast: (n) => {
      const t = this.child(n.operand, 'operand');
      if (typeof n.to !== 'string') this.report(`CAST to ${n.to.type} is not supported`);
      return { type: n.to, nullable: t.nullable || castMayFail(t.type, n.to) };
    },
    case: (n) => {
      let type: ExprTypeName = 'null';
      let nullable = n.otherwise === undefined;
      n.branches.forEach((b, i) => {
        this.requireBoolean(this.child(b.when, 'branches', i, 'when'), 'WHEN', [
          'branches',
          i,
          'when',
        ]);
        const t = this.child(b.then, 'branches', i, 'then');
        type = commonType(type, t.type);
        nullable ||= t.nullable;
      });
      if (n.otherwise !== undefined) {
        const t = this.child(n.otherwise, 'otherwise');
        type = commonType(type, t.type);
        nullable ||= t.nullable;
      }
      return { type, nullable };
    },
    call: (n) => {
      const args = n.args.map((a, i) => this.child(a, 'args', i));
      const scalar = lookupFunction(n.name);
      const fn = scalar ?? lookupAggregate(n.name);
      if (fn === undefined) {
        const close = closestName(n.name, functionNames());
        this.report(
          `unknown function '${n.name}'`,
          close === undefined
            ? `supported functions: ${functionNames().join(', ')}`
            : `did you mean '${close}'?`,
        );
        return unknown;
      }
      if (args.length < fn.minArgs || args.length > fn.maxArgs) {
        this.report(
          `function ${n.name} takes ${arityText(fn.minArgs, fn.maxArgs)}, got ${args.length}`,
        );
        return { type: fn.returns(args), nullable: true };
      }
      const literalProblem = scalar?.checkLiterals?.(
        n.args.map((a) => (a.kind === 'literal' ? a.value : undefined)),
      );
      if (literalProblem !== undefined) this.report(`${n.name}: ${literalProblem}`);
      // An aggregate over no rows is NULL (count aside), whatever its input.
      const nullable =
        scalar === undefined
          ? n.name !== 'count'
          : (scalar.nullable?.(args) ?? args.some((a) => a.nullable));
      return { type: fn.returns(args), nullable };
    },
  };

  private arithmetic(op: string, l: ExprType, r: ExprType): ExprType {
    for (const [t, side] of [
      [l, 'left'],
      [r, 'right'],
    ] as const) {
      const c = category(t.type);
      if (c !== 'numeric' && c !== 'none') {
        this.report(`arithmetic '${op}' needs numbers, got ${typeLabel(t.type)}`, undefined, [
          ...this.path,
          side,
        ]);
      }
    }
    // Division and modulo by zero give NULL (Spark without ANSI mode).
    const nullable = l.nullable || r.nullable || op === '/' || op === '%';
    if (op === '/') return { type: 'double', nullable };
    if (l.type === 'unknown' || r.type === 'unknown') return { type: 'unknown', nullable };
    // A bare NULL takes the other side's type; a non-number reads as double, as Spark casts strings.
    const a = l.type === 'null' ? null : isNumeric(l.type) ? (l.type as DataType) : 'double';
    const b = r.type === 'null' ? null : isNumeric(r.type) ? (r.type as DataType) : 'double';
    const type: ExprTypeName = a === null ? (b ?? 'null') : b === null ? a : widerNumeric(a, b);
    return { type, nullable };
  }
}

function arityText(min: number, max: number): string {
  const plural = (n: number): string => `${n} argument${n === 1 ? '' : 's'}`;
  if (min === max) return plural(min);
  if (max === Number.POSITIVE_INFINITY) return `at least ${plural(min)}`;
  return `${min} to ${plural(max)}`;
}

function literalType(n: LiteralNode): ExprTypeName {
  if (n.value === null) return 'null';
  if (n.type === 'timestamp' || n.type === 'date' || n.type === 'double' || n.type === 'integer')
    return n.type;
  if (typeof n.value === 'string') return 'string';
  if (typeof n.value === 'boolean') return 'boolean';
  if (!Number.isInteger(n.value)) return 'double';
  return Math.abs(n.value) <= 2 ** 31 - 1 ? 'integer' : 'long';
}

/** Whether a CAST can turn a non-NULL value into NULL (malformed text, overflow). */
function castMayFail(from: ExprTypeName, to: DataType): boolean {
  if (from === to || to === 'string' || from === 'null') return false;
  if (isNumeric(from) && isNumeric(to)) return typeof to === 'string' && to.startsWith('decimal');
  if (from === 'boolean' && isNumeric(to)) return false;
  if (isTime(from) && isTime(to)) return false;
  return true;
}
