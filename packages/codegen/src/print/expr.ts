import { isDeepStrictEqual } from 'node:util';
import {
  type DataType,
  type ExprNode,
  formatDataType,
  type LiteralNode,
  parseSparkType,
  type Schema,
} from '@pipekit/core';
import { ownValue } from '../convert/own.js';
import { propertyKey, quote } from '../convert/zod-fields.js';
import { numberCode } from './code.js';

/**
 * Expression trees as typed builder code (`r.amount.gt(100).and(r.country.notIn('US', 'CA'))`),
 * mirroring the types of `typed-expr.ts` so the code compiles: each printed piece knows the
 * TypeScript value type the builder gives it, and a method is used only where that type offers it
 * and its argument fits. A tree the typed API cannot write exactly gives `null`.
 */
export type Kind = 'number' | 'string' | 'date' | 'boolean' | 'unknown' | 'other';

interface Typed {
  readonly code: string;
  readonly kind: Kind;
  readonly imports: readonly string[];
}

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
  predicate(node: ExprNode): { code: string; imports: string[]; usesRow: boolean } | null {
    const t = this.expr(node);
    if (t?.kind !== 'boolean') return null;
    return {
      code: t.code,
      imports: [...new Set(t.imports)],
      usesRow: /\br\./.test(t.code) || /\br\[/.test(t.code),
    };
  }

  /** Any expression as typed code, or null. */
  value(node: ExprNode): { code: string; imports: string[]; usesRow: boolean } | null {
    const t = this.expr(node);
    if (!t || t.kind === 'other') return null;
    return { code: t.code, imports: [...new Set(t.imports)], usesRow: /\br[.[]/.test(t.code) };
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
          return { code: `col(${quote(n.name)})`, kind: 'unknown', imports: ['col'] };
        const key = propertyKey(n.name);
        return {
          code: key.startsWith("'") ? `r[${key}]` : `r.${key}`,
          kind: this.column(n.name),
          imports: [],
        };
      }
      case 'literal': {
        const lit = literalCode(n);
        if (!lit || lit.kind === 'boolean' || n.value === null) return null;
        return { code: `lit(${lit.code})`, kind: lit.kind, imports: ['lit'] };
      }
      case 'binary': {
        if (n.op === 'and' || n.op === 'or')
          return this.method(n.left, n.op, [n.right], ['boolean'], 'boolean', [
            'boolean',
            'unknown',
          ]);
        const arith = ownValue(arithmetic, n.op);
        if (arith)
          return this.method(n.left, arith, [n.right], ['number'], 'number', ['number', 'unknown']);
        const cmp = ownValue(compareMethods, n.op);
        if (!cmp) return null;
        const left = this.expr(n.left);
        if (!left) return null;
        if (cmp === 'eq' || cmp === 'ne' || cmp === 'eqNullSafe') {
          if (left.kind === 'other') return null;
          const param: Param = left.kind === 'unknown' ? 'any' : left.kind;
          if (cmp === 'eqNullSafe' && n.right.kind === 'literal' && n.right.value === null)
            return this.call(left, cmp, ['null'], 'boolean');
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
          ? this.call(r, 'cast', [quote(target)], isDecimal ? 'number' : castResult(target))
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
    const printed: string[] = [];
    const imports = [...r.imports];
    for (let i = 0; i < args.length; i++) {
      const a = this.operand(args[i]!, params[i]!);
      if (!a) return null;
      printed.push(a.code);
      imports.push(...a.imports);
    }
    return { code: `${r.code}.${name}(${printed.join(', ')})`, kind: result, imports };
  }

  private call(r: Typed, name: string, args: readonly string[], result: Kind): Typed {
    return { code: `${r.code}.${name}(${args.join(', ')})`, kind: result, imports: r.imports };
  }

  /** An argument: a literal where the parameter's type allows it, or an expression of that type. */
  private operand(n: ExprNode, param: Param): { code: string; imports: readonly string[] } | null {
    if (n.kind === 'literal') {
      const lit = literalCode(n);
      if (!lit || n.value === null) return null;
      return accepts(param, lit.kind, true) ? { code: lit.code, imports: [] } : null;
    }
    const e = this.expr(n);
    if (!e) return null;
    return accepts(param, e.kind, false) ? e : null;
  }

  private caseExpr(n: ExprNode & { kind: 'case' }): Typed | null {
    let code = '';
    const imports = ['when'];
    const kinds = new Set<Kind>();
    for (const [i, b] of n.branches.entries()) {
      const cond = this.operand(b.when, 'boolean');
      const value = this.anyOperand(b.then);
      if (!cond || !value) return null;
      kinds.add(value.kind);
      imports.push(...cond.imports, ...value.imports);
      code += i === 0 ? `when(${cond.code}, ${value.code})` : `.when(${cond.code}, ${value.code})`;
    }
    if (n.otherwise === undefined) code += '.end()';
    else {
      const o =
        n.otherwise.kind === 'literal' && n.otherwise.value === null
          ? { code: 'null', kind: 'other' as Kind, imports: [] }
          : this.anyOperand(n.otherwise);
      if (!o) return null;
      if (o.code !== 'null') kinds.add(o.kind);
      imports.push(...o.imports);
      code += `.otherwise(${o.code})`;
    }
    const [only] = kinds;
    return { code, kind: kinds.size === 1 && only !== undefined ? only : 'other', imports };
  }

  /** A value of any type: literal or expression. */
  private anyOperand(n: ExprNode): { code: string; kind: Kind; imports: readonly string[] } | null {
    if (n.kind === 'literal') {
      const lit = literalCode(n);
      return lit && n.value !== null ? { code: lit.code, kind: lit.kind, imports: [] } : null;
    }
    return this.expr(n);
  }

  private callExpr(n: ExprNode & { kind: 'call' }): Typed | null {
    const [first, ...rest] = n.args;
    const typed = first ? this.knownCall(n.name, first, rest) : null;
    if (typed) return typed;
    const args: string[] = [];
    const imports = ['fn'];
    for (const a of n.args) {
      const p = this.anyOperand(a);
      if (!p) return null;
      args.push(p.code);
      imports.push(...p.imports);
    }
    return { code: `fn(${[quote(n.name), ...args].join(', ')})`, kind: 'unknown', imports };
  }

  private knownCall(name: string, first: ExprNode, rest: readonly ExprNode[]): Typed | null {
    const numeric: readonly Kind[] = ['number', 'unknown'];
    const text: readonly Kind[] = ['string', 'unknown'];
    const time: readonly Kind[] = ['date', 'unknown'];
    const m = ownValue(noArgNumber, name);
    if (m && rest.length === 0) return this.method(first, m, [], [], 'number', numeric);
    const s = ownValue(noArgString, name);
    if (s && rest.length === 0) return this.method(first, s[0], [], [], s[1], text);
    const t = ownValue(stringTests, name);
    if (t && rest.length === 1) return this.method(first, t, rest, ['string'], 'boolean', text);
    const p = ownValue(timeParts, name);
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
      return this.call(r, 'truncate', [quote(first.value)], 'date');
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
export function literalCode(n: LiteralNode): { code: string; kind: Kind } | null {
  if (n.type === 'timestamp' && typeof n.value === 'string')
    return { code: `new Date(${quote(n.value)})`, kind: 'date' };
  // The builders write a fractional number as a double literal, as the SQL parser reads `80.5`.
  if (n.type === 'double' && typeof n.value === 'number' && !Number.isInteger(n.value))
    return { code: numberCode(n.value), kind: 'number' };
  if (n.type !== undefined) return null;
  if (typeof n.value === 'number')
    return Number.isFinite(n.value) ? { code: numberCode(n.value), kind: 'number' } : null;
  if (typeof n.value === 'string') return { code: quote(n.value), kind: 'string' };
  if (typeof n.value === 'boolean') return { code: String(n.value), kind: 'boolean' };
  return { code: 'null', kind: 'other' };
}
