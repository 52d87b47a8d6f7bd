import { isDeepStrictEqual } from 'node:util';
import {
  type DataType,
  type ExprNode,
  formatDataType,
  type LiteralNode,
  parseSparkType,
  type Schema,
} from '@pipekit/core';
import { numberCode } from './code.js';
import { call, type Emit, method, rowColumn, str, textOf, token } from './emit.js';

/**
 * Expression trees as typed builder code (`r.amount.gt(100).and(r.country.notIn('US', 'CA'))`),
 * mirroring the types of `typed-expr.ts` so the code compiles: each printed piece knows the
 * TypeScript value type the builder gives it, and a method is used only where that type offers it
 * and its argument fits. A tree the typed API cannot write exactly gives `null`.
 */
export type Kind = 'number' | 'string' | 'date' | 'boolean' | 'unknown' | 'other';

interface Typed {
  readonly emit: Emit;
  readonly kind: Kind;
  readonly imports: readonly string[];
  /** Whether it reads the row's typed columns (`r.amount`): the code needs `(r) =>`. */
  readonly usesRow: boolean;
}

/** Printed code, with the `@pipekit/core` names it uses. */
export interface PrintedExpr {
  readonly emit: Emit;
  /** The code as text (tests read it). */
  readonly code: string;
  readonly imports: string[];
  readonly usesRow: boolean;
}

const printed = (t: Typed): PrintedExpr => ({
  emit: t.emit,
  code: textOf(t.emit),
  imports: [...new Set(t.imports)],
  usesRow: t.usesRow,
});

/** What a method's parameter accepts. */
type Param = Kind | 'dateOrString' | 'any';

function kindOf(t: DataType): Kind {
  if (typeof t !== 'string') return 'other';
  if (t === 'string') return 'string';
  if (t === 'boolean') return 'boolean';
  if (t === 'timestamp' || t === 'date') return 'date';
  if (t === 'binary') return 'other';
  return 'number';
}

const castTargets = new Set([
  'string',
  'integer',
  'long',
  'double',
  'float',
  'boolean',
  'date',
  'timestamp',
]);
const castResult = (to: string): Kind =>
  to === 'string'
    ? 'string'
    : to === 'boolean'
      ? 'boolean'
      : to === 'date' || to === 'timestamp'
        ? 'date'
        : 'number';
const truncUnits = new Set(['year', 'month', 'week', 'day', 'hour', 'minute', 'second']);

const compareMethods: Readonly<Record<string, string>> = {
  '=': 'eq',
  '!=': 'ne',
  '<': 'lt',
  '<=': 'lte',
  '>': 'gt',
  '>=': 'gte',
  '<=>': 'eqNullSafe',
};
const arithmetic: Readonly<Record<string, string>> = {
  '+': 'plus',
  '-': 'minus',
  '*': 'times',
  '/': 'div',
  '%': 'mod',
};
const noArgNumber: Readonly<Record<string, string>> = { abs: 'abs', floor: 'floor', ceil: 'ceil' };
const noArgString: Readonly<Record<string, [string, Kind]>> = {
  lower: ['lower', 'string'],
  upper: ['upper', 'string'],
  trim: ['trim', 'string'],
  length: ['length', 'number'],
};
const stringTests: Readonly<Record<string, string>> = {
  startswith: 'startsWith',
  endswith: 'endsWith',
  contains: 'contains',
};
const timeParts: Readonly<Record<string, string>> = {
  year: 'year',
  month: 'month',
  dayofmonth: 'day',
  hour: 'hour',
  minute: 'minute',
};

export class ExprPrinter {
  /**
   * Column kinds come from the schema. Rows the typed API does not know (a source without a
   * declared schema) are read with `col('name')`, whose type is unknown.
   */
  constructor(
    private readonly schema: Schema | null,
    private readonly untyped = schema === null,
  ) {}

  /** A boolean condition as typed code, or null. */
  predicate(node: ExprNode): PrintedExpr | null {
    const t = this.expr(node);
    return t?.kind === 'boolean' ? printed(t) : null;
  }

  /** Any expression as typed code, or null. */
  value(node: ExprNode): PrintedExpr | null {
    const t = this.expr(node);
    return !t || t.kind === 'other' ? null : printed(t);
  }

  private column(name: string): Kind {
    if (!this.schema) return 'unknown';
    const f = this.schema.fields.find((x) => x.name === name);
    if (!f) return 'other';
    if (f.logical === 'epochMillis') return 'other';
    return kindOf(f.type);
  }

  /** A receiver: an expression, or a literal wrapped in `lit(...)`. */
  private expr(n: ExprNode): Typed | null {
    switch (n.kind) {
      case 'column': {
        if (this.untyped)
          return {
            emit: call('col', [str(n.name)]),
            kind: 'unknown',
            imports: ['col'],
            usesRow: false,
          };
        return {
          emit: rowColumn(n.name),
          kind: this.column(n.name),
          imports: [],
          usesRow: true,
        };
      }
      case 'literal': {
        const lit = literalCode(n);
        if (!lit || lit.kind === 'boolean' || n.value === null) return null;
        return { emit: call('lit', [lit.emit]), kind: lit.kind, imports: ['lit'], usesRow: false };
      }
      case 'binary': {
        if (n.op === 'and' || n.op === 'or')
          return this.method(n.left, n.op, [n.right], ['boolean'], 'boolean', [
            'boolean',
            'unknown',
          ]);
        const arith = arithmetic[n.op];
        if (arith)
          return this.method(n.left, arith, [n.right], ['number'], 'number', ['number', 'unknown']);
        const cmp = compareMethods[n.op];
        if (!cmp) return null;
        const left = this.expr(n.left);
        if (!left) return null;
        if (cmp === 'eq' || cmp === 'ne' || cmp === 'eqNullSafe') {
          if (left.kind === 'other') return null;
          const param: Param = left.kind === 'unknown' ? 'any' : left.kind;
          if (cmp === 'eqNullSafe' && n.right.kind === 'literal' && n.right.value === null)
            return this.call(left, cmp, [token('null')], 'boolean');
          return this.withArgs(left, cmp, [n.right], [param], 'boolean');
        }
        const ordered = orderedParam(left.kind);
        return ordered ? this.withArgs(left, cmp, [n.right], [ordered], 'boolean') : null;
      }
      case 'unary':
        return n.op === 'not'
          ? this.method(n.operand, 'not', [], [], 'boolean', ['boolean', 'unknown'])
          : this.method(n.operand, 'negate', [], [], 'number', ['number', 'unknown']);
      case 'isNull': {
        const r = this.expr(n.operand);
        return r ? this.call(r, n.negated ? 'isNotNull' : 'isNull', [], 'boolean') : null;
      }
      case 'in': {
        const r = this.expr(n.operand);
        if (!r || r.kind === 'other') return null;
        const param: Param = r.kind === 'unknown' ? 'any' : r.kind;
        return this.withArgs(
          r,
          n.negated ? 'notIn' : 'isIn',
          n.list,
          n.list.map(() => param),
          'boolean',
        );
      }
      case 'like': {
        if (n.negated && n.caseInsensitive) return null;
        const name = n.caseInsensitive ? 'ilike' : n.negated ? 'notLike' : 'like';
        return this.method(n.operand, name, [n.pattern], ['string'], 'boolean', [
          'string',
          'unknown',
        ]);
      }
      case 'between': {
        if (n.negated) return null;
        const r = this.expr(n.operand);
        const ordered = r ? orderedParam(r.kind) : null;
        return r && ordered
          ? this.withArgs(r, 'between', [n.low, n.high], [ordered, ordered], 'boolean')
          : null;
      }
      case 'cast': {
        const target = formatDataType(n.to);
        const isDecimal = /^decimal\(\d+,\d+\)$/.test(target);
        if (!castTargets.has(target) && !isDecimal) return null;
        if (!isDeepStrictEqual(parseSparkType(target), n.to)) return null;
        const r = this.expr(n.operand);
        return r
          ? this.call(r, 'cast', [str(target)], isDecimal ? 'number' : castResult(target))
          : null;
      }
      case 'case':
        return this.caseExpr(n);
      case 'call':
        return this.callExpr(n);
    }
  }

  private method(
    receiver: ExprNode,
    name: string,
    args: readonly ExprNode[],
    params: readonly Param[],
    result: Kind,
    receivers: readonly Kind[],
  ): Typed | null {
    const r = this.expr(receiver);
    if (!r || !receivers.includes(r.kind)) return null;
    return this.withArgs(r, name, args, params, result);
  }

  private withArgs(
    r: Typed,
    name: string,
    args: readonly ExprNode[],
    params: readonly Param[],
    result: Kind,
  ): Typed | null {
    const emits: Emit[] = [];
    const imports = [...r.imports];
    let usesRow = r.usesRow;
    for (let i = 0; i < args.length; i++) {
      const a = this.operand(args[i]!, params[i]!);
      if (!a) return null;
      emits.push(a.emit);
      imports.push(...a.imports);
      usesRow ||= a.usesRow;
    }
    return { emit: method(r.emit, name, emits), kind: result, imports, usesRow };
  }

  private call(r: Typed, name: string, args: readonly Emit[], result: Kind): Typed {
    return { ...r, emit: method(r.emit, name, args), kind: result };
  }

  /** An argument: a literal where the parameter's type allows it, or an expression of that type. */
  private operand(n: ExprNode, param: Param): Typed | null {
    if (n.kind === 'literal') {
      const lit = literalCode(n);
      if (!lit || n.value === null) return null;
      return accepts(param, lit.kind, true) ? { ...lit, imports: [], usesRow: false } : null;
    }
    const e = this.expr(n);
    if (!e) return null;
    return accepts(param, e.kind, false) ? e : null;
  }

  private caseExpr(n: ExprNode & { kind: 'case' }): Typed | null {
    let emit: Emit | null = null;
    const imports = ['when'];
    const kinds = new Set<Kind>();
    let usesRow = false;
    for (const b of n.branches) {
      const cond = this.operand(b.when, 'boolean');
      const value = this.anyOperand(b.then);
      if (!cond || !value) return null;
      kinds.add(value.kind);
      imports.push(...cond.imports, ...value.imports);
      usesRow ||= cond.usesRow || value.usesRow;
      const args = [cond.emit, value.emit];
      emit = emit === null ? call('when', args) : method(emit, 'when', args);
    }
    if (emit === null) return null;
    if (n.otherwise === undefined) emit = method(emit, 'end', []);
    else {
      const isNull = n.otherwise.kind === 'literal' && n.otherwise.value === null;
      const o = isNull
        ? { emit: token('null'), kind: 'other' as Kind, imports: [], usesRow: false }
        : this.anyOperand(n.otherwise);
      if (!o) return null;
      if (!isNull) kinds.add(o.kind);
      imports.push(...o.imports);
      usesRow ||= o.usesRow;
      emit = method(emit, 'otherwise', [o.emit]);
    }
    const [only] = kinds;
    return {
      emit,
      kind: kinds.size === 1 && only !== undefined ? only : 'other',
      imports,
      usesRow,
    };
  }

  /** A value of any type: literal or expression. */
  private anyOperand(n: ExprNode): Typed | null {
    if (n.kind === 'literal') {
      const lit = literalCode(n);
      return lit && n.value !== null ? { ...lit, imports: [], usesRow: false } : null;
    }
    return this.expr(n);
  }

  private callExpr(n: ExprNode & { kind: 'call' }): Typed | null {
    const [first, ...rest] = n.args;
    const typed = first ? this.knownCall(n.name, first, rest) : null;
    if (typed) return typed;
    const args: Emit[] = [str(n.name)];
    const imports = ['fn'];
    let usesRow = false;
    for (const a of n.args) {
      const p = this.anyOperand(a);
      if (!p) return null;
      args.push(p.emit);
      imports.push(...p.imports);
      usesRow ||= p.usesRow;
    }
    return { emit: call('fn', args), kind: 'unknown', imports, usesRow };
  }

  private knownCall(name: string, first: ExprNode, rest: readonly ExprNode[]): Typed | null {
    const numeric: readonly Kind[] = ['number', 'unknown'];
    const text: readonly Kind[] = ['string', 'unknown'];
    const time: readonly Kind[] = ['date', 'unknown'];
    const m = noArgNumber[name];
    if (m && rest.length === 0) return this.method(first, m, [], [], 'number', numeric);
    const s = noArgString[name];
    if (s && rest.length === 0) return this.method(first, s[0], [], [], s[1], text);
    const t = stringTests[name];
    if (t && rest.length === 1) return this.method(first, t, rest, ['string'], 'boolean', text);
    const p = timeParts[name];
    if (p && rest.length === 0) return this.method(first, p, [], [], 'number', time);
    if (name === 'concat' && rest.length > 0)
      return this.method(
        first,
        'concat',
        rest,
        rest.map(() => 'string' as const),
        'string',
        text,
      );
    if (name === 'coalesce' && rest.length > 0) {
      const r = this.expr(first);
      if (!r || r.kind === 'other') return null;
      const param: Param = r.kind === 'unknown' ? 'any' : r.kind;
      return this.withArgs(
        r,
        'coalesce',
        rest,
        rest.map(() => param),
        r.kind,
      );
    }
    if (name === 'round' && rest.length <= 1) {
      const scale = rest[0];
      if (
        scale &&
        !(scale.kind === 'literal' && Number.isInteger(scale.value) && scale.type === undefined)
      )
        return null;
      return this.method(
        first,
        'round',
        scale ? [scale] : [],
        scale ? ['number'] : [],
        'number',
        numeric,
      );
    }
    if (name === 'substring' && (rest.length === 1 || rest.length === 2)) {
      if (
        !rest.every(
          (a) => a.kind === 'literal' && Number.isInteger(a.value) && a.type === undefined,
        )
      )
        return null;
      return this.method(
        first,
        'substring',
        rest,
        rest.map(() => 'number' as const),
        'string',
        text,
      );
    }
    if (
      name === 'date_trunc' &&
      rest.length === 1 &&
      first.kind === 'literal' &&
      typeof first.value === 'string' &&
      truncUnits.has(first.value)
    ) {
      const r = this.expr(rest[0]!);
      if (!r || !time.includes(r.kind)) return null;
      return this.call(r, 'truncate', [str(first.value)], 'date');
    }
    return null;
  }
}

function orderedParam(k: Kind): Param | null {
  if (k === 'number' || k === 'string') return k;
  if (k === 'date') return 'dateOrString';
  if (k === 'unknown') return 'any';
  return null;
}

function accepts(param: Param, kind: Kind, literal: boolean): boolean {
  if (param === 'any') return true;
  if (param === 'dateOrString') return kind === 'date' || kind === 'string';
  // An expression of unknown type (`col('a')` on rows without a declared schema) is an
  // `Expr<unknown>`, which every typed parameter takes: `col('a').times(col('b'))` compiles.
  if (kind === 'unknown') return !literal;
  if (kind === 'other') return false;
  if (literal && param === 'date') return kind === 'date';
  return param === kind;
}

/** A literal as the JavaScript value the builder turns back into the same literal node. */
export function literalCode(n: LiteralNode): { emit: Emit; kind: Kind } | null {
  if (n.type === 'timestamp' && typeof n.value === 'string')
    return { emit: call('new Date', [str(n.value)]), kind: 'date' };
  // The builders write a fractional number as a double literal, as the SQL parser reads `80.5`.
  if (n.type === 'double' && typeof n.value === 'number' && !Number.isInteger(n.value))
    return { emit: token(numberCode(n.value)), kind: 'number' };
  if (n.type !== undefined) return null;
  if (typeof n.value === 'number')
    return Number.isFinite(n.value) ? { emit: token(numberCode(n.value)), kind: 'number' } : null;
  if (typeof n.value === 'string') return { emit: str(n.value), kind: 'string' };
  if (typeof n.value === 'boolean') return { emit: token(String(n.value)), kind: 'boolean' };
  return { emit: token('null'), kind: 'other' };
}
