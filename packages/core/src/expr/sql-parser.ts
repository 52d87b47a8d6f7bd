import type { DataType } from '../schema/data-type.js';
import type { BinaryOp, ComparisonOp, ExprNode, LiteralNode } from './expr-node.js';
import { type SqlToken, tokenizeSql } from './sql-lexer.js';
import { SqlParseError } from './sql-parse-error.js';
import { decimalTypeNames, sqlTypeAliases } from './sql-types.js';
import { formatDate, parseDate, parseTimestamp } from './time-values.js';

/**
 * Parses a Spark SQL expression into the expression tree.
 *
 * Precedence, loosest first: OR, AND, NOT, comparisons and predicates (`=`, `IN`, `LIKE`,
 * `BETWEEN`, `IS NULL`), `+ - ||`, `* / %`, unary minus. Keywords and function names are
 * case-insensitive; function names come out in lower case.
 *
 * Normal forms the tree uses (so printing and parsing again gives the same tree):
 * - `-5` is a negative literal; `-(5)` stays a negation of `5`.
 * - a number written with a fraction or exponent (`2.0`, `1e3`, `1D`) has `type: 'double'`.
 * - `TIMESTAMP '...'` holds an ISO-8601 UTC string (`2024-01-01T00:00:00.000Z`), `DATE '...'`
 *   holds `yyyy-MM-dd`.
 * - `count(*)` is a call to `count` with no arguments.
 * - `CASE x WHEN v THEN r` becomes `CASE WHEN x = v THEN r`; `<>` and `==` become `!=` and `=`.
 * - `a IS [NOT] DISTINCT FROM b` becomes `[NOT] (a <=> b)`; `x IS [NOT] TRUE` becomes `[NOT] (x <=> TRUE)`.
 * - `x RLIKE p` / `x REGEXP p` becomes the call `rlike(x, p)`.
 * - bare `current_date` / `current_timestamp` are calls with no arguments.
 *
 * @example
 * parseSqlExpression("amount > 100 AND event_type = 'purchase'");
 * // { kind: 'binary', op: 'and', left: { kind: 'binary', op: '>', ... }, right: ... }
 * @throws SqlParseError with the position and a caret line.
 */
export function parseSqlExpression(text: string): ExprNode {
  return new Parser(text).parseAll();
}

/** Words that cannot be a bare column name; such columns must be `backquoted`. */
export const reservedWords: ReadonlySet<string> = new Set(
  'and or not in is null true false like ilike between case when then else end cast as distinct interval'.split(
    ' ',
  ),
);

const comparisonTokens: Readonly<Record<string, ComparisonOp>> = {
  '=': '=',
  '==': '=',
  '!=': '!=',
  '<>': '!=',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
  '<=>': '<=>',
};

const bareCalls = new Set(['current_date', 'current_timestamp']);

class Parser {
  private readonly tokens: SqlToken[];
  private pos = 0;

  constructor(private readonly text: string) {
    this.tokens = tokenizeSql(text);
  }

  parseAll(): ExprNode {
    const node = this.parseOr();
    const rest = this.peek();
    if (rest.kind !== 'eof') throw this.unexpected(rest);
    return node;
  }

  // ---- token helpers -------------------------------------------------------------------------

  private peek(ahead = 0): SqlToken {
    return this.tokens[Math.min(this.pos + ahead, this.tokens.length - 1)] as SqlToken;
  }

  private next(): SqlToken {
    const t = this.peek();
    if (t.kind !== 'eof') this.pos++;
    return t;
  }

  private isKeyword(word: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.kind === 'ident' && t.value.toLowerCase() === word;
  }

  private acceptKeyword(word: string): boolean {
    if (!this.isKeyword(word)) return false;
    this.pos++;
    return true;
  }

  private expectKeyword(word: string): void {
    if (!this.acceptKeyword(word))
      throw this.unexpected(this.peek(), `expected ${word.toUpperCase()}`);
  }

  private isOp(op: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.kind === 'op' && t.value === op;
  }

  private acceptOp(op: string): boolean {
    if (!this.isOp(op)) return false;
    this.pos++;
    return true;
  }

  private expectOp(op: string): void {
    if (!this.acceptOp(op)) throw this.unexpected(this.peek(), `expected '${op}'`);
  }

  private unexpected(t: SqlToken, expected?: string): SqlParseError {
    const what = t.kind === 'eof' ? 'end of input' : `'${t.text}'`;
    const reason = expected ? `unexpected ${what}, ${expected}` : `unexpected ${what}`;
    return new SqlParseError(this.text, t.start, reason);
  }

  // ---- boolean levels ------------------------------------------------------------------------

  private parseOr(): ExprNode {
    let left = this.parseAnd();
    while (this.acceptKeyword('or')) left = binary('or', left, this.parseAnd());
    return left;
  }

  private parseAnd(): ExprNode {
    let left = this.parseNot();
    while (this.acceptKeyword('and')) left = binary('and', left, this.parseNot());
    return left;
  }

  private parseNot(): ExprNode {
    if (this.acceptKeyword('not') || this.acceptOp('!')) {
      return { kind: 'unary', op: 'not', operand: this.parseNot() };
    }
    return this.parsePredicate();
  }

  /** Comparisons and predicates, left-associative: `a = b IS NULL` is `(a = b) IS NULL`. */
  private parsePredicate(): ExprNode {
    let left = this.parseAdditive();
    for (;;) {
      const t = this.peek();
      const cmp = t.kind === 'op' ? comparisonTokens[t.value] : undefined;
      if (cmp !== undefined) {
        this.pos++;
        left = binary(cmp, left, this.parseAdditive());
        continue;
      }
      const negated = this.isKeyword('not') && this.isNegatablePredicate(1);
      if (negated) this.pos++;
      if (this.acceptKeyword('in')) left = this.parseIn(left, negated);
      else if (this.isKeyword('like') || this.isKeyword('ilike')) {
        const caseInsensitive = this.next().value.toLowerCase() === 'ilike';
        const pattern = this.parseAdditive();
        left = { kind: 'like', operand: left, pattern, negated, caseInsensitive };
      } else if (this.acceptKeyword('rlike') || this.acceptKeyword('regexp')) {
        const call: ExprNode = { kind: 'call', name: 'rlike', args: [left, this.parseAdditive()] };
        left = negated ? not(call) : call;
      } else if (this.acceptKeyword('between')) {
        const low = this.parseAdditive();
        this.expectKeyword('and');
        const high = this.parseAdditive();
        left = { kind: 'between', operand: left, low, high, negated };
      } else if (this.acceptKeyword('is')) left = this.parseIs(left);
      else return left;
    }
  }

  private isNegatablePredicate(ahead: number): boolean {
    return ['in', 'like', 'ilike', 'rlike', 'regexp', 'between'].some((w) =>
      this.isKeyword(w, ahead),
    );
  }

  private parseIn(operand: ExprNode, negated: boolean): ExprNode {
    this.expectOp('(');
    const list: ExprNode[] = [this.parseOr()];
    while (this.acceptOp(',')) list.push(this.parseOr());
    this.expectOp(')');
    return { kind: 'in', operand, list, negated };
  }

  /** After IS: `[NOT] NULL`, `[NOT] TRUE|FALSE`, `[NOT] DISTINCT FROM x`. */
  private parseIs(operand: ExprNode): ExprNode {
    const negated = this.acceptKeyword('not');
    if (this.acceptKeyword('null')) return { kind: 'isNull', operand, negated };
    if (this.isKeyword('true') || this.isKeyword('false')) {
      const value = this.next().value.toLowerCase() === 'true';
      const test = binary('<=>', operand, { kind: 'literal', value });
      return negated ? not(test) : test;
    }
    if (this.acceptKeyword('distinct')) {
      this.expectKeyword('from');
      const test = binary('<=>', operand, this.parseAdditive());
      return negated ? test : not(test);
    }
    throw this.unexpected(this.peek(), 'expected NULL, TRUE, FALSE or DISTINCT FROM after IS');
  }

  // ---- value levels --------------------------------------------------------------------------

  private parseAdditive(): ExprNode {
    let left = this.parseMultiplicative();
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op' || (t.value !== '+' && t.value !== '-' && t.value !== '||')) return left;
      this.pos++;
      left = binary(t.value, left, this.parseMultiplicative());
    }
  }

  private parseMultiplicative(): ExprNode {
    let left = this.parseUnary();
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op' || (t.value !== '*' && t.value !== '/' && t.value !== '%')) return left;
      this.pos++;
      left = binary(t.value, left, this.parseUnary());
    }
  }

  private parseUnary(): ExprNode {
    if (this.acceptOp('-')) {
      const t = this.peek();
      // `-5` is a negative literal, not a negation, so numbers print and re-parse as themselves.
      if (t.kind === 'number') return this.numberLiteral(this.next(), true);
      return { kind: 'unary', op: 'negate', operand: this.parseUnary() };
    }
    if (this.acceptOp('+')) return this.parseUnary();
    return this.parsePrimary();
  }

  private parsePrimary(): ExprNode {
    const t = this.peek();
    switch (t.kind) {
      case 'number':
        return this.numberLiteral(this.next(), false);
      case 'string':
        return { kind: 'literal', value: this.stringValue() };
      case 'quotedIdent':
        this.pos++;
        return this.isOp('(') ? this.parseCall(t.value) : { kind: 'column', name: t.value };
      case 'ident':
        return this.parseWord(t);
      case 'op':
        if (t.value === '(') {
          this.pos++;
          const inner = this.parseOr();
          this.expectOp(')');
          return inner;
        }
        throw this.unexpected(t, 'expected an expression');
      case 'eof':
        throw this.unexpected(t, 'expected an expression');
    }
  }

  /** Adjacent string literals concatenate, as in Spark: `'a' 'b'` is `'ab'`. */
  private stringValue(): string {
    let value = this.next().value;
    while (this.peek().kind === 'string') value += this.next().value;
    return value;
  }

  private parseWord(t: SqlToken): ExprNode {
    const word = t.value.toLowerCase();
    const after = this.peek(1);
    switch (word) {
      case 'null':
      case 'true':
      case 'false':
        this.pos++;
        return { kind: 'literal', value: word === 'null' ? null : word === 'true' };
      case 'cast':
        this.pos++;
        return this.parseCast();
      case 'case':
        this.pos++;
        return this.parseCase();
      case 'timestamp':
      case 'date':
        if (after.kind === 'string') {
          this.pos++;
          return this.timeLiteral(word, after);
        }
        break;
    }
    if (after.kind === 'op' && after.value === '(' && !reservedWords.has(word)) {
      this.pos++;
      return this.parseCall(word);
    }
    if (reservedWords.has(word)) throw this.unexpected(t, 'expected an expression');
    this.pos++;
    if (bareCalls.has(word)) return { kind: 'call', name: word, args: [] };
    return { kind: 'column', name: t.value };
  }

  private parseCall(name: string): ExprNode {
    const lower = name.toLowerCase();
    this.expectOp('(');
    const args: ExprNode[] = [];
    if (this.isOp('*') && this.isOp(')', 1) && lower === 'count') {
      this.pos += 2;
      return { kind: 'call', name: lower, args };
    }
    if (this.isKeyword('distinct'))
      throw this.unexpected(this.peek(), 'DISTINCT in a call is not supported');
    if (!this.acceptOp(')')) {
      args.push(this.parseOr());
      while (this.acceptOp(',')) args.push(this.parseOr());
      this.expectOp(')');
    }
    return { kind: 'call', name: lower, args };
  }

  private parseCast(): ExprNode {
    this.expectOp('(');
    const operand = this.parseOr();
    this.expectKeyword('as');
    const to = this.parseType();
    this.expectOp(')');
    return { kind: 'cast', operand, to };
  }

  private parseType(): DataType {
    const t = this.next();
    const word = t.kind === 'ident' ? t.value.toLowerCase() : '';
    if (decimalTypeNames.has(word)) {
      if (!this.acceptOp('(')) return 'decimal(10,0)';
      const precision = this.integerArg();
      const scale = this.acceptOp(',') ? this.integerArg() : 0;
      this.expectOp(')');
      if (precision < 1 || precision > 38 || scale > precision) {
        throw new SqlParseError(
          this.text,
          t.start,
          `invalid decimal(${precision},${scale}): precision must be 1..38 and scale at most the precision`,
        );
      }
      return `decimal(${precision},${scale})`;
    }
    // Own entries only: `CAST(x AS constructor)` is not a type.
    const type = Object.hasOwn(sqlTypeAliases, word) ? sqlTypeAliases[word] : undefined;
    if (type === undefined) throw this.unexpected(t, 'expected a type name');
    if ((word === 'varchar' || word === 'char') && this.acceptOp('(')) {
      this.integerArg();
      this.expectOp(')');
    }
    return type;
  }

  private integerArg(): number {
    const t = this.next();
    if (t.kind !== 'number' || t.fractional) throw this.unexpected(t, 'expected an integer');
    return Number(t.value);
  }

  private parseCase(): ExprNode {
    // The simple form `CASE x WHEN v ...` compares x with each v.
    const subject = this.isKeyword('when') ? undefined : this.parseOr();
    const branches: { when: ExprNode; then: ExprNode }[] = [];
    while (this.acceptKeyword('when')) {
      const value = this.parseOr();
      const when = subject === undefined ? value : binary('=', subject, value);
      this.expectKeyword('then');
      branches.push({ when, then: this.parseOr() });
    }
    if (branches.length === 0) throw this.unexpected(this.peek(), 'expected WHEN');
    const otherwise = this.acceptKeyword('else') ? this.parseOr() : undefined;
    this.expectKeyword('end');
    return otherwise === undefined
      ? { kind: 'case', branches }
      : { kind: 'case', branches, otherwise };
  }

  // ---- literals ------------------------------------------------------------------------------

  private numberLiteral(t: SqlToken, negative: boolean): LiteralNode {
    const magnitude = Number(t.value);
    const value = negative ? -magnitude : magnitude;
    if (!Number.isFinite(value))
      throw new SqlParseError(this.text, t.start, `number out of range '${t.text}'`);
    return t.fractional ? { kind: 'literal', value, type: 'double' } : { kind: 'literal', value };
  }

  private timeLiteral(word: 'timestamp' | 'date', t: SqlToken): LiteralNode {
    const raw = this.stringValue();
    if (word === 'date') {
      const ms = parseDate(raw);
      if (ms === null) throw new SqlParseError(this.text, t.start, `invalid DATE literal '${raw}'`);
      return { kind: 'literal', value: formatDate(ms), type: 'date' };
    }
    const ms = parseTimestamp(raw);
    if (ms === null)
      throw new SqlParseError(this.text, t.start, `invalid TIMESTAMP literal '${raw}'`);
    return { kind: 'literal', value: new Date(ms).toISOString(), type: 'timestamp' };
  }
}

function binary(op: BinaryOp, left: ExprNode, right: ExprNode): ExprNode {
  return { kind: 'binary', op, left, right };
}

function not(operand: ExprNode): ExprNode {
  return { kind: 'unary', op: 'not', operand };
}
