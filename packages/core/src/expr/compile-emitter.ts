import { PipekitError } from '../errors/pipekit-error.js';
import type { Schema } from '../schema/data-type.js';
import { castConverter, stringCast } from './cast.js';
import { asNumber } from './coerce.js';
import { compareValues, nullSafeEquals, sqlIn } from './compare.js';
import type { BinaryNode, ExprNode, LiteralNode } from './expr-node.js';
import { type ExprTypeName, isNumeric, isTime } from './expr-type.js';
import { type ExprVisitor, visitExpr } from './expr-visitor.js';
import { lookupAggregate, lookupFunction } from './functions.js';
import { inferExprType } from './infer-type.js';
import { likeMatcher, likeToRegExp } from './like.js';
import { printSql } from './sql-printer.js';
import { parseDate, parseTimestamp } from './time-values.js';

/** How a value is held at run time, as far as the schema tells: picks the fast paths. */
type RuntimeClass = 'number' | 'string' | 'boolean' | 'time' | 'other';

function runtimeClass(t: ExprTypeName): RuntimeClass {
  if (isNumeric(t)) return 'number';
  if (t === 'string' || t === 'boolean') return t;
  if (isTime(t)) return 'time';
  return 'other';
}

const jsComparison: Readonly<Record<string, string>> = {
  '=': '===',
  '!=': '!==',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
};

/** `x BETWEEN lo AND hi` as `x >= lo AND x <= hi` under three-valued logic. */
function sqlBetween(x: unknown, lo: unknown, hi: unknown): boolean | null {
  const a = compareValues(x, lo);
  const b = compareValues(x, hi);
  if ((a !== null && a < 0) || (b !== null && b > 0)) return false;
  return a === null || b === null ? null : true;
}

/**
 * Turns an expression tree into the body of a JS function of `row`: one `const` per
 * sub-expression, column reads hoisted and done once, `if` blocks where SQL evaluates lazily
 * (AND, OR, CASE). Every value the code needs (functions, RegExps, Dates, sets) is a constant
 * bound once outside the row function; strings and names are embedded with JSON.stringify.
 */
export class Emitter {
  private readonly head: string[] = [];
  private readonly lines: string[] = [];
  private readonly constants: unknown[] = [];
  private readonly columns = new Map<string, string>();
  private temps = 0;
  private clockName: string | undefined;
  private readonly schema: Schema;

  constructor(
    schema: Schema | undefined,
    private readonly clock: () => number,
  ) {
    this.schema = schema ?? { fields: [] };
  }

  /** The source of `function (row) { ... }` returning `result`, and the constants it closes over. */
  build(node: ExprNode, predicate: boolean): { source: string; constants: unknown[] } {
    const result = this.emit(node);
    const ret = predicate ? `${result} === true` : result;
    const bindings = this.constants.map((_, i) => `const k${i} = $c[${i}];`);
    const body = [...this.head, ...this.lines, `return ${ret};`].map((l) => `  ${l}`);
    return {
      source: [
        '"use strict";',
        ...bindings,
        'return function compiledExpr(row) {',
        ...body,
        '};',
      ].join('\n'),
      constants: this.constants,
    };
  }

  private emit(node: ExprNode): string {
    return visitExpr(node, this.visitor);
  }

  private constant(value: unknown): string {
    this.constants.push(value);
    return `k${this.constants.length - 1}`;
  }

  private temp(expr: string): string {
    const name = `t${this.temps++}`;
    this.lines.push(`const ${name} = ${expr};`);
    return name;
  }

  /** A `let` filled in by the branches that follow. */
  private slot(): string {
    const name = `t${this.temps++}`;
    this.lines.push(`let ${name} = null;`);
    return name;
  }

  private classOf(node: ExprNode): RuntimeClass {
    return runtimeClass(inferExprType(node, this.schema).type);
  }

  private isEpochMillisColumn(node: ExprNode): boolean {
    return (
      node.kind === 'column' &&
      this.schema.fields.some((f) => f.name === node.name && f.logical === 'epochMillis')
    );
  }

  private fail(message: string, node: ExprNode): never {
    throw new PipekitError(`cannot compile ${printSql(node)}: ${message}`);
  }

  private readonly visitor: ExprVisitor<string> = {
    column: (n) => {
      let name = this.columns.get(n.name);
      if (name === undefined) {
        name = `c${this.columns.size}`;
        const key = JSON.stringify(n.name);
        // A missing column must not read Object.prototype (`constructor`, `toString`, ...).
        const read =
          n.name in Object.prototype
            ? `(Object.hasOwn(row, ${key}) ? row[${key}] : null)`
            : `row[${key}]`;
        this.head.push(`const ${name} = ${read} ?? null;`);
        this.columns.set(n.name, name);
      }
      return name;
    },
    literal: (n) => this.literal(n),
    binary: (n) => this.binary(n),
    unary: (n) => {
      const v = this.emit(n.operand);
      if (n.op === 'not') return this.temp(`typeof ${v} === 'boolean' ? !${v} : null`);
      if (this.classOf(n.operand) === 'number') return this.temp(`${v} === null ? null : -${v}`);
      const num = this.temp(`${this.constant(asNumber)}(${v})`);
      return this.temp(`${num} === null ? null : -${num}`);
    },
    isNull: (n) => this.temp(`${this.emit(n.operand)} ${n.negated ? '!==' : '==='} null`),
    in: (n) => {
      const x = this.emit(n.operand);
      const result = this.inList(x, n.list);
      return n.negated ? this.temp(`${result} === null ? null : !${result}`) : result;
    },
    like: (n) => {
      const x = this.emit(n.operand);
      const text = this.constant(stringCast({ type: inferExprType(n.operand, this.schema).type }));
      const not = n.negated ? '!' : '';
      const p = n.pattern;
      if (p.kind === 'literal' && typeof p.value === 'string') {
        const re = this.constant(likeToRegExp(p.value, n.caseInsensitive));
        return this.temp(`${x} === null ? null : ${not}${re}.test(${text}(${x}))`);
      }
      const pattern = this.emit(p);
      const match = this.constant(likeMatcher(n.caseInsensitive));
      const guard = `${x} === null || ${pattern} === null`;
      return this.temp(`${guard} ? null : ${not}${match}(${text}(${x}), ${text}(${pattern}))`);
    },
    between: (n) => {
      const args = [this.emit(n.operand), this.emit(n.low), this.emit(n.high)].join(', ');
      const r = this.temp(`${this.constant(sqlBetween)}(${args})`);
      return n.negated ? this.temp(`${r} === null ? null : !${r}`) : r;
    },
    cast: (n) => {
      const v = this.emit(n.operand);
      let convert: (v: unknown) => unknown;
      try {
        const source = {
          type: inferExprType(n.operand, this.schema).type,
          epochMillis: this.isEpochMillisColumn(n.operand),
        };
        convert = castConverter(n.to, source);
      } catch (e) {
        this.fail(e instanceof Error ? e.message : String(e), n);
      }
      return this.temp(`${this.constant(convert)}(${v})`);
    },
    case: (n) => {
      const out = this.slot();
      let closing = '';
      for (const branch of n.branches) {
        const cond = this.emit(branch.when);
        this.lines.push(`if (${cond} === true) {`);
        this.lines.push(`${out} = ${this.emit(branch.then)};`);
        this.lines.push('} else {');
        closing += '}';
      }
      if (n.otherwise !== undefined) this.lines.push(`${out} = ${this.emit(n.otherwise)};`);
      this.lines.push(closing);
      return out;
    },
    call: (n) => {
      if (lookupAggregate(n.name) !== undefined && lookupFunction(n.name) === undefined) {
        this.fail(`aggregate function ${n.name}() is evaluated by an aggregation, not per row`, n);
      }
      const fn = lookupFunction(n.name);
      if (fn === undefined) this.fail(`unknown function '${n.name}'`, n);
      if (n.args.length < fn.minArgs || n.args.length > fn.maxArgs) {
        this.fail(
          `function ${n.name} takes ${fn.minArgs}..${fn.maxArgs} arguments, got ${n.args.length}`,
          n,
        );
      }
      const args = n.args.map((a) => this.emit(a));
      const impl = this.constant(fn.impl);
      const callArgs = fn.usesClock ? [this.now(), ...args] : args;
      const call = `${impl}(${callArgs.join(', ')}) ?? null`;
      if (fn.nulls === 'custom' || args.length === 0) return this.temp(call);
      return this.temp(`${args.map((a) => `${a} === null`).join(' || ')} ? null : ${call}`);
    },
  };

  /** The current time, read once per row so every function in the row sees the same instant. */
  private now(): string {
    if (this.clockName === undefined) {
      this.clockName = 'now';
      this.head.push(`const now = ${this.constant(this.clock)}();`);
    }
    return this.clockName;
  }

  private literal(n: LiteralNode): string {
    const v = n.value;
    if (v === null || typeof v === 'boolean') return String(v);
    if (typeof v === 'number')
      return Number.isFinite(v) ? `(${JSON.stringify(v)})` : this.constant(v);
    if (n.type === 'timestamp' || n.type === 'date') {
      const ms = n.type === 'date' ? parseDate(v) : parseTimestamp(v);
      if (ms === null) this.fail(`invalid ${n.type} literal '${v}'`, n);
      return this.constant(new Date(ms));
    }
    return JSON.stringify(v);
  }

  private binary(n: BinaryNode): string {
    if (n.op === 'and' || n.op === 'or') return this.logical(n.op, n);
    const l = this.emit(n.left);
    const r = this.emit(n.right);
    const lc = this.classOf(n.left);
    const rc = this.classOf(n.right);
    const fast = lc === rc && (lc === 'number' || lc === 'string' || lc === 'boolean');
    const eitherNull = `${l} === null || ${r} === null`;
    switch (n.op) {
      case '<=>':
        return fast
          ? this.temp(`${l} === ${r}`)
          : this.temp(`${this.constant(nullSafeEquals)}(${l}, ${r})`);
      case '||': {
        const ls = this.constant(stringCast({ type: inferExprType(n.left, this.schema).type }));
        const rs = this.constant(stringCast({ type: inferExprType(n.right, this.schema).type }));
        return this.temp(`${eitherNull} ? null : ${ls}(${l}) + ${rs}(${r})`);
      }
      case '+':
      case '-':
      case '*':
      case '/':
      case '%': {
        const bothNumbers = lc === 'number' && rc === 'number';
        const a = bothNumbers ? l : this.temp(`${this.constant(asNumber)}(${l})`);
        const b = bothNumbers ? r : this.temp(`${this.constant(asNumber)}(${r})`);
        // Division and modulo by zero give NULL, as Spark without ANSI mode.
        const zero = n.op === '/' || n.op === '%' ? ` || ${b} === 0` : '';
        return this.temp(`${a} === null || ${b} === null${zero} ? null : ${a} ${n.op} ${b}`);
      }
      default: {
        const op = jsComparison[n.op] as string;
        if (fast) return this.temp(`${eitherNull} ? null : ${l} ${op} ${r}`);
        const c = this.temp(`${this.constant(compareValues)}(${l}, ${r})`);
        return this.temp(`${c} === null ? null : ${c} ${op} 0`);
      }
    }
  }

  /** AND / OR, evaluating the right side only when the left does not decide. */
  private logical(op: 'and' | 'or', n: BinaryNode): string {
    const decisive = op === 'and' ? 'false' : 'true';
    const other = op === 'and' ? 'true' : 'false';
    const out = this.slot();
    const l = this.emit(n.left);
    this.lines.push(`if (${l} === ${decisive}) ${out} = ${decisive};`, 'else {');
    const r = this.emit(n.right);
    this.lines.push(
      `${out} = ${r} === ${decisive} ? ${decisive} : ${l} === ${other} && ${r} === ${other} ? ${other} : null;`,
      '}',
    );
    return out;
  }

  /** IN over literals uses a Set built once; other lists compare item by item. */
  private inList(x: string, list: readonly ExprNode[]): string {
    const literals = list.every(
      (i) => i.kind === 'literal' && i.type !== 'timestamp' && i.type !== 'date',
    );
    const values = literals ? list.map((i) => (i as LiteralNode).value) : [];
    const nonNull = values.filter((v) => v !== null);
    const kind = typeof nonNull[0];
    if (
      literals &&
      nonNull.length > 0 &&
      (kind === 'number' || kind === 'string') &&
      nonNull.every((v) => typeof v === kind)
    ) {
      const set = this.constant(new Set(nonNull));
      const miss = values.length > nonNull.length ? 'null' : 'false';
      // Values of another JS type (a string against numbers, ...) take Spark's implicit casts.
      const generic = `${this.constant(sqlIn)}(${x}, ${this.constant(values)})`;
      return this.temp(
        `${x} === null ? null : typeof ${x} === ${JSON.stringify(kind)} ? (${set}.has(${x}) ? true : ${miss}) : ${generic}`,
      );
    }
    const items = list.map((i) => this.emit(i));
    return this.temp(`${this.constant(sqlIn)}(${x}, [${items.join(', ')}])`);
  }
}
