import { PipekitError } from '../errors/pipekit-error.js';
import type { DataType } from '../schema/data-type.js';
import { parseSparkType } from '../schema/ddl.js';
import type { BinaryOp, ExprNode, LiteralNode, LiteralValue } from './expr-node.js';

declare const exprType: unique symbol;

/** Anything that holds an expression tree whose value has type `T` (a phantom: no runtime cost). */
export interface ExprOf<T> {
  /** The expression tree this stands for (plan data). */
  readonly node: ExprNode;
  readonly [exprType]?: T;
}

/** A value or an expression of that value's type. */
export type Operand<T> = T | ExprOf<T | null>;

/** Spark type names `cast` takes, and the TypeScript type each gives. */
export interface CastTargets {
  string: string;
  integer: number;
  int: number;
  long: number;
  bigint: number;
  double: number;
  float: number;
  boolean: boolean;
  date: Date;
  timestamp: Date;
}
type CastTarget = keyof CastTargets | `decimal(${number},${number})`;
type CastResult<To> = To extends keyof CastTargets ? CastTargets[To] : number;

interface BaseOps<T> extends ExprOf<T> {
  /** Equal (SQL `=`; NULL when either side is NULL): `r.country.eq('NL')`. */
  eq(value: Operand<NonNullable<T>>): Expr<boolean>;
  /** Not equal (SQL `<>`): `r.status.ne('deleted')`. */
  ne(value: Operand<NonNullable<T>>): Expr<boolean>;
  /** Null-safe equality (`<=>`): NULL equals NULL. */
  eqNullSafe(value: Operand<NonNullable<T>> | null): Expr<boolean>;
  /** The value is NULL: `r.email.isNull()`. */
  isNull(): Expr<boolean>;
  /** The value is not NULL: `r.email.isNotNull()`. */
  isNotNull(): Expr<boolean>;
  /** One of these values (SQL `IN`): `r.country.isIn('NL', 'BE')`. */
  isIn(...values: readonly Operand<NonNullable<T>>[]): Expr<boolean>;
  /** None of these values (SQL `NOT IN`): `r.country.notIn('NL', 'BE')`. */
  notIn(...values: readonly Operand<NonNullable<T>>[]): Expr<boolean>;
  /** Converts to a Spark type, NULL when it cannot: `r.amount.cast('string')`, `r.id.cast('long')`. */
  cast<To extends CastTarget>(to: To): Expr<CastResult<To> | null>;
  /** This value, or the first non-null of the others. */
  coalesce(...others: readonly Operand<NonNullable<T>>[]): Expr<T>;
}

interface OrderedOps<V> {
  /** Greater than: `r.amount.gt(100)`. */
  gt(value: Operand<V>): Expr<boolean>;
  /** Greater than or equal: `r.amount.gte(100)`. */
  gte(value: Operand<V>): Expr<boolean>;
  /** Less than: `r.amount.lt(100)`. */
  lt(value: Operand<V>): Expr<boolean>;
  /** Less than or equal: `r.amount.lte(100)`. */
  lte(value: Operand<V>): Expr<boolean>;
  /** Between two values, both included (SQL `BETWEEN`): `r.amount.between(10, 20)`. */
  between(low: Operand<V>, high: Operand<V>): Expr<boolean>;
}

interface NumericOps {
  /** Sum: `r.amount.plus(r.tax)`. */
  plus(value: Operand<number>): Expr<number>;
  /** Difference: `r.amount.minus(r.discount)`. */
  minus(value: Operand<number>): Expr<number>;
  /** Product: `r.amount.times(100)`. */
  times(value: Operand<number>): Expr<number>;
  /** Division as Spark's `/`: a double; NULL when dividing by zero. */
  div(value: Operand<number>): Expr<number>;
  /** Remainder (Spark's `%`): `r.id.mod(10)`. */
  mod(value: Operand<number>): Expr<number>;
  /** The value with its sign flipped: `r.amount.negate()`. */
  negate(): Expr<number>;
  /** The absolute value: `r.delta.abs()`. */
  abs(): Expr<number>;
  /** Rounded half up to `scale` decimals (default 0): `r.amount.round(2)`. */
  round(scale?: number): Expr<number>;
  /** Rounded down to a whole number: `r.amount.floor()`. */
  floor(): Expr<number>;
  /** Rounded up to a whole number: `r.amount.ceil()`. */
  ceil(): Expr<number>;
}

interface StringOps {
  /** SQL LIKE: `%` any run, `_` one character. */
  like(pattern: Operand<string>): Expr<boolean>;
  /** SQL NOT LIKE: `r.email.notLike('%@test.%')`. */
  notLike(pattern: Operand<string>): Expr<boolean>;
  /** SQL LIKE, ignoring case: `r.name.ilike('ann%')`. */
  ilike(pattern: Operand<string>): Expr<boolean>;
  /** Starts with this text: `r.page.startsWith('/shop')`. */
  startsWith(prefix: Operand<string>): Expr<boolean>;
  /** Ends with this text: `r.file.endsWith('.csv')`. */
  endsWith(suffix: Operand<string>): Expr<boolean>;
  /** Contains this text: `r.agent.contains('bot')`. */
  contains(part: Operand<string>): Expr<boolean>;
  /** Lower case: `r.email.lower()`. */
  lower(): Expr<string>;
  /** Upper case: `r.code.upper()`. */
  upper(): Expr<string>;
  /** Without leading and trailing spaces: `r.name.trim()`. */
  trim(): Expr<string>;
  /** The number of characters: `r.name.length()`. */
  length(): Expr<number>;
  /** This text followed by the others: `r.first.concat(' ', r.last)`. */
  concat(...parts: readonly Operand<string>[]): Expr<string>;
  /** 1-based, as Spark's `substring`. */
  substring(pos: number, length?: number): Expr<string>;
}

interface TimeOps {
  /** The year (UTC): `r.eventTime.year()`. */
  year(): Expr<number>;
  /** The month, 1 to 12 (UTC): `r.eventTime.month()`. */
  month(): Expr<number>;
  /** The day of the month, 1 to 31 (UTC): `r.eventTime.day()`. */
  day(): Expr<number>;
  /** The hour, 0 to 23 (UTC): `r.eventTime.hour()`. */
  hour(): Expr<number>;
  /** The minute, 0 to 59: `r.eventTime.minute()`. */
  minute(): Expr<number>;
  /** The time cut to the start of its unit (Spark's `date_trunc`): `r.eventTime.truncate('hour')`. */
  truncate(unit: 'year' | 'month' | 'week' | 'day' | 'hour' | 'minute' | 'second'): Expr<Date>;
}

interface BooleanOps {
  /** Both true (SQL `AND`): `r.vip.and(r.amount.gt(100))`. */
  and(other: Operand<boolean>): Expr<boolean>;
  /** Either true (SQL `OR`): `r.vip.or(r.amount.gt(100))`. */
  or(other: Operand<boolean>): Expr<boolean>;
  /** The opposite (SQL `NOT`): `r.vip.not()`. */
  not(): Expr<boolean>;
}

type AllOps = NumericOps & StringOps & TimeOps & BooleanOps & OrderedOps<unknown>;

/**
 * A typed expression: the methods offered depend on the value type, so `r.amount.gt('x')` or
 * `r.name.plus(1)` is a compile error.
 */
export type Expr<T> = BaseOps<T> &
  (unknown extends T
    ? AllOps
    : (NonNullable<T> extends number ? NumericOps & OrderedOps<number> : {}) &
        (NonNullable<T> extends string ? StringOps & OrderedOps<string> : {}) &
        (NonNullable<T> extends Date ? TimeOps & OrderedOps<Date | string> : {}) &
        (NonNullable<T> extends boolean ? BooleanOps : {}));

/** The plan form of a JavaScript value. Dates become ISO strings marked as timestamps. */
export function literalNode(value: LiteralValue | Date): LiteralNode {
  if (value instanceof Date)
    return Object.freeze({ kind: 'literal', value: value.toISOString(), type: 'timestamp' });
  // As the SQL parser reads `80.5`: a fractional number is a double literal.
  if (typeof value === 'number' && !Number.isInteger(value))
    return Object.freeze({ kind: 'literal', value, type: 'double' });
  return Object.freeze({ kind: 'literal', value });
}

function isExpr(v: unknown): v is ExprOf<unknown> {
  return typeof v === 'object' && v !== null && !(v instanceof Date) && 'node' in v;
}

/** The node of an operand: an expression's own, or a literal. */
export function toNode(v: unknown): ExprNode {
  if (isExpr(v)) return v.node;
  if (v === undefined) throw new TypeError('an expression operand is undefined');
  if (
    v === null ||
    typeof v === 'string' ||
    typeof v === 'number' ||
    typeof v === 'boolean' ||
    v instanceof Date
  )
    return literalNode(v);
  throw new TypeError(`cannot use ${typeof v} as an expression operand`);
}

const bin = (op: BinaryOp) =>
  function (this: ExprImpl, v: unknown) {
    return new ExprImpl({ kind: 'binary', op, left: this.node, right: toNode(v) });
  };
const call = (name: string) =>
  function (this: ExprImpl, ...args: unknown[]) {
    return new ExprImpl({ kind: 'call', name, args: [this.node, ...args.map(toNode)] });
  };

/** The one runtime class behind every `Expr<T>`; the type decides which methods a user sees. */
export class ExprImpl {
  readonly node: ExprNode;
  constructor(node: ExprNode) {
    this.node = Object.freeze(node);
    Object.freeze(this);
  }
  eq = bin('=');
  ne = bin('!=');
  gt = bin('>');
  gte = bin('>=');
  lt = bin('<');
  lte = bin('<=');
  plus = bin('+');
  minus = bin('-');
  times = bin('*');
  div = bin('/');
  mod = bin('%');
  and = bin('and');
  or = bin('or');
  eqNullSafe(v: unknown) {
    return new ExprImpl({ kind: 'binary', op: '<=>', left: this.node, right: toNode(v) });
  }
  not() {
    return new ExprImpl({ kind: 'unary', op: 'not', operand: this.node });
  }
  negate() {
    return new ExprImpl({ kind: 'unary', op: 'negate', operand: this.node });
  }
  isNull() {
    return new ExprImpl({ kind: 'isNull', operand: this.node, negated: false });
  }
  isNotNull() {
    return new ExprImpl({ kind: 'isNull', operand: this.node, negated: true });
  }
  isIn(...values: unknown[]) {
    return new ExprImpl({
      kind: 'in',
      operand: this.node,
      list: values.map(toNode),
      negated: false,
    });
  }
  notIn(...values: unknown[]) {
    return new ExprImpl({
      kind: 'in',
      operand: this.node,
      list: values.map(toNode),
      negated: true,
    });
  }
  between(low: unknown, high: unknown) {
    return new ExprImpl({
      kind: 'between',
      operand: this.node,
      low: toNode(low),
      high: toNode(high),
      negated: false,
    });
  }
  like(p: unknown) {
    return new ExprImpl({
      kind: 'like',
      operand: this.node,
      pattern: toNode(p),
      negated: false,
      caseInsensitive: false,
    });
  }
  notLike(p: unknown) {
    return new ExprImpl({
      kind: 'like',
      operand: this.node,
      pattern: toNode(p),
      negated: true,
      caseInsensitive: false,
    });
  }
  ilike(p: unknown) {
    return new ExprImpl({
      kind: 'like',
      operand: this.node,
      pattern: toNode(p),
      negated: false,
      caseInsensitive: true,
    });
  }
  cast(to: string) {
    let type: DataType;
    try {
      type = parseSparkType(to);
    } catch (e) {
      throw new PipekitError(`.cast('${to}') is not valid`, [
        { path: ['to'], message: (e as Error).message },
      ]);
    }
    return new ExprImpl({ kind: 'cast', operand: this.node, to: type });
  }
  round(scale?: number) {
    const args = scale === undefined ? [this.node] : [this.node, toNode(scale)];
    return new ExprImpl({ kind: 'call', name: 'round', args });
  }
  substring(pos: number, length?: number) {
    const args = [this.node, toNode(pos), ...(length === undefined ? [] : [toNode(length)])];
    return new ExprImpl({ kind: 'call', name: 'substring', args });
  }
  truncate(unit: string) {
    return new ExprImpl({ kind: 'call', name: 'date_trunc', args: [toNode(unit), this.node] });
  }
  coalesce = call('coalesce');
  abs = call('abs');
  floor = call('floor');
  ceil = call('ceil');
  startsWith = call('startswith');
  endsWith = call('endswith');
  contains = call('contains');
  lower = call('lower');
  upper = call('upper');
  trim = call('trim');
  length = call('length');
  concat = call('concat');
  year = call('year');
  month = call('month');
  day = call('dayofmonth');
  hour = call('hour');
  minute = call('minute');
}

/** Wraps a tree in the typed API. */
export function expr<T = unknown>(node: ExprNode): Expr<T> {
  return new ExprImpl(node) as unknown as Expr<T>;
}
