import { PipekitError } from '../errors/pipekit-error.js';
import { type Cols, columnsOf } from '../expr/cols.js';
import type { ExprNode } from '../expr/expr-node.js';
import type { SqlExpr } from '../expr/sql-tag.js';
import { type ExprOf, toNode } from '../expr/typed-expr.js';
import type { ExpectationCheck, OnFailure } from '../plan/nodes/expect-node.js';
import type { SinkSpec } from '../plan/sinks/sink-spec.js';
import type { Row } from '../schema/row-type.js';

declare const needs: unique symbol;

/**
 * A data-quality rule, ready for `.expect(...)`. `Need` is the row type the rule needs (a phantom:
 * no runtime cost); a stream accepts the rule only when its row has those columns with those types,
 * so `notNull('userid')` on a row without `userid` is a compile error naming `userid`.
 */
export interface Expectation<Need = unknown> {
  /** The rule's name in metrics, dead letters and errors. */
  readonly name: string;
  /** What the rule checks on each row. */
  readonly check: ExpectationCheck;
  /** What happens to a row that fails it. */
  readonly onFailure: OnFailure;
  /** Contravariant in `Need`: a rule needing `{ a: number }` fits any row with a number `a`. */
  readonly [needs]?: (row: Need) => void;
}

/** `'warn' | 'drop' | 'fail'`, or `deadLetter(sinks.kafka({...}))` for the dead-letter mode. */
export type OnFailureInput =
  | 'warn'
  | 'drop'
  | 'fail'
  | OnFailure
  | {
      readonly type: 'deadLetter';
      /** Where failing rows go: `sinks.kafka({...})`. */
      readonly sink: SinkSpec;
    };

export interface ExpectOptions {
  /** What happens to a failing row; `'warn'` (keep it, count it) when absent. */
  readonly onFailure?: OnFailureInput;
}

export interface RuleOptions extends ExpectOptions {
  /** The rule's name in metrics, dead letters and errors; derived from the rule when absent. */
  readonly name?: string;
}

/** A bound's type as a column must have it: the literal `5` asks for a number column. */
type Widen<V> = V extends string
  ? string | Date
  : V extends number
    ? number
    : V extends boolean
      ? boolean
      : V;
/** A set member's type as a column must have it. */
type WidenMember<V> = V extends string ? string : V extends number ? number : boolean;
type Needs<C extends string, T> = { readonly [K in C]: T };

export function toOnFailure(input: OnFailureInput | undefined): OnFailure {
  if (input === undefined) return Object.freeze({ type: 'warn' });
  return typeof input === 'string' ? Object.freeze({ type: input }) : input;
}

/** A rule from its parts; the name must not be empty. */
export function expectation<Need>(
  name: string,
  check: ExpectationCheck,
  options: ExpectOptions = {},
): Expectation<Need> {
  if (name.trim() === '')
    throw new PipekitError('an expectation needs a name', [
      {
        path: ['name'],
        message: 'empty',
        fix: "name it after what it checks, e.g. 'amount is positive'",
      },
    ]);
  return Object.freeze({ name, check, onFailure: toOnFailure(options.onFailure) });
}

/**
 * A rule from a condition, to list with others in one `.expect(...)`. Inside `.expect(...)` the
 * callback gets the stream's typed columns (the row type comes from where the rule is used);
 * `` sql`...` `` is checked when the step is built. `pipe-codegen` prints legacy rules this way.
 *
 * @example
 * stream.expect(rule('positive amount', (r) => r.amount.gt(0), { onFailure: 'drop' }), notNull('userId'))
 */
export function rule<R = Row>(
  name: string,
  condition: ExprOf<boolean | null> | SqlExpr | ((r: Cols<R>) => ExprOf<boolean | null> | SqlExpr),
  options: ExpectOptions = {},
): Expectation<R> {
  const c = typeof condition === 'function' ? condition(columnsOf<R>()) : condition;
  if (typeof c !== 'object' || c === null || !('node' in c))
    throw new PipekitError(
      `rule('${name}') needs a condition (e.g. r => r.amount.gt(0), or sql\`...\`)`,
    );
  return expectation(name, { type: 'predicate', predicate: c.node }, options);
}

const column = (name: string): ExprNode => ({ kind: 'column', name });
const predicate = (p: ExprNode): ExpectationCheck => ({ type: 'predicate', predicate: p });

/**
 * The column is never null.
 *
 * @example
 * stream.expect(notNull('userId', { onFailure: 'drop' }))
 */
export function notNull<const C extends string>(
  col: C,
  options: RuleOptions = {},
): Expectation<Needs<C, unknown>> {
  return expectation(
    options.name ?? `notNull(${col})`,
    predicate({ kind: 'isNull', operand: column(col), negated: true }),
    options,
  );
}

/**
 * `low <= col <= high` (inclusive, as SQL BETWEEN). Null values pass: add `notNull` for them.
 *
 * @example
 * stream.expect(between('amount', 0, 10_000, { onFailure: 'fail' }))
 */
export function between<const C extends string, V extends number | string | Date>(
  col: C,
  low: V,
  high: V,
  options: RuleOptions = {},
): Expectation<Needs<C, Widen<V> | null>> {
  const text = (v: V) => (v instanceof Date ? v.toISOString() : String(v));
  return expectation(
    options.name ?? `between(${col}, ${text(low)}, ${text(high)})`,
    predicate({
      kind: 'between',
      operand: column(col),
      low: toNode(low),
      high: toNode(high),
      negated: false,
    }),
    options,
  );
}

/**
 * The text matches the regular expression somewhere (Spark's `rlike`; anchor it with `^...$` for a
 * full match). Flags are not supported: Spark's Java regex and JavaScript's differ on them.
 * Null values pass.
 *
 * @example
 * stream.expect(matches('email', /^[^@\s]+@[^@\s]+$/))
 */
export function matches<const C extends string>(
  col: C,
  pattern: RegExp | string,
  options: RuleOptions = {},
): Expectation<Needs<C, string | null>> {
  if (pattern instanceof RegExp && pattern.flags.replace(/[gy]/g, '') !== '')
    throw new PipekitError(`matches('${col}', ${pattern}): regex flags are not supported`, [
      {
        path: ['pattern'],
        message: `flags '${pattern.flags}'`,
        fix: 'write the pattern without flags (e.g. [Aa] for a case-insensitive letter)',
      },
    ]);
  const source = pattern instanceof RegExp ? pattern.source : pattern;
  return expectation(
    options.name ?? `matches(${col}, /${source}/)`,
    predicate({ kind: 'call', name: 'rlike', args: [column(col), toNode(source)] }),
    options,
  );
}

/**
 * The value is one of `values`. Null values pass.
 *
 * @example
 * stream.expect(inSet('eventType', ['view', 'purchase'], { onFailure: deadLetter(sinks.kafka({...})) }))
 */
export function inSet<const C extends string, const V extends string | number | boolean>(
  col: C,
  values: readonly V[],
  options: RuleOptions = {},
): Expectation<Needs<C, WidenMember<V> | null>> {
  if (values.length === 0)
    throw new PipekitError(`inSet('${col}', []) needs at least one value`, [
      { path: ['values'], message: 'empty' },
    ]);
  return expectation(
    options.name ?? `inSet(${col})`,
    predicate({ kind: 'in', operand: column(col), list: values.map(toNode), negated: false }),
    options,
  );
}

/**
 * No two rows of one micro-batch have the same (non-null) values in these columns: the first
 * passes, each later one fails. Across batches, use `.dedupe(...)` with a watermark.
 *
 * @example
 * stream.expect(unique(['orderId'], { onFailure: 'drop' }))
 */
export function unique<const C extends string>(
  columns: C | readonly [C, ...C[]],
  options: RuleOptions = {},
): Expectation<Needs<C, unknown>> {
  const cols: string[] = typeof columns === 'string' ? [columns] : [...columns];
  return expectation(
    options.name ?? `unique(${cols.join(', ')})`,
    { type: 'unique', columns: cols },
    options,
  );
}
