import {
  type DataType,
  type ExprNode,
  exprChildren,
  type Field,
  referencedColumns,
} from '@pipekit/core';
import { type Flow, inputsOf, type Ref, type Step } from './ir.js';

type Guess = 'number' | 'string' | 'boolean' | 'timestamp' | 'date';

/** What the steps after a source tell about its columns: each column, in order of first use, and its likely type. */
export interface Usage {
  readonly columns: Map<string, Guess | undefined>;
  /** Whether a step needs column types (grouping, windows, watermarks, sums). */
  readonly typed: boolean;
}

const stringFns = new Set([
  'lower',
  'upper',
  'trim',
  'ltrim',
  'rtrim',
  'length',
  'substring',
  'substr',
  'concat',
  'startswith',
  'endswith',
  'contains',
  'instr',
  'replace',
  'regexp_replace',
  'regexp_extract',
  'split',
  'rlike',
  'initcap',
  'lpad',
  'rpad',
]);
const timeFns = new Set([
  'year',
  'month',
  'dayofmonth',
  'day',
  'hour',
  'minute',
  'second',
  'dayofweek',
  'weekofyear',
  'to_date',
  'date_format',
  'unix_timestamp',
]);
const numberFns = new Set([
  'abs',
  'round',
  'floor',
  'ceil',
  'sqrt',
  'exp',
  'ln',
  'log',
  'pow',
  'power',
  'sign',
]);

function literalGuess(n: ExprNode): Guess | undefined {
  if (n.kind !== 'literal') return undefined;
  if (n.type === 'timestamp') return 'timestamp';
  if (n.type === 'date') return 'date';
  if (typeof n.value === 'number') return 'number';
  if (typeof n.value === 'string') return 'string';
  if (typeof n.value === 'boolean') return 'boolean';
  return undefined;
}

/** Guesses column types from how an expression uses them: `amount > 100` makes `amount` a number. */
export function guessTypes(
  node: ExprNode,
  note: (column: string, guess: Guess | undefined) => void,
): void {
  const col = (n: ExprNode | undefined, g: Guess | undefined) => {
    if (n?.kind === 'column') note(n.name, g);
  };
  switch (node.kind) {
    case 'binary':
      if (node.op === 'and' || node.op === 'or') {
        col(node.left, 'boolean');
        col(node.right, 'boolean');
      } else if (['+', '-', '*', '/', '%'].includes(node.op)) {
        col(node.left, 'number');
        col(node.right, 'number');
      } else if (node.op === '||') {
        col(node.left, 'string');
        col(node.right, 'string');
      } else {
        col(
          node.left,
          literalGuess(node.right) ?? (isArithmetic(node.right) ? 'number' : undefined),
        );
        col(
          node.right,
          literalGuess(node.left) ?? (isArithmetic(node.left) ? 'number' : undefined),
        );
      }
      break;
    case 'unary':
      col(node.operand, node.op === 'not' ? 'boolean' : 'number');
      break;
    case 'in':
      col(
        node.operand,
        node.list.map(literalGuess).find((g) => g !== undefined),
      );
      break;
    case 'like':
      col(node.operand, 'string');
      break;
    case 'between':
      col(node.operand, literalGuess(node.low) ?? literalGuess(node.high));
      break;
    case 'call':
      if (stringFns.has(node.name)) col(node.args[0], 'string');
      else if (timeFns.has(node.name)) col(node.args[0], 'timestamp');
      else if (numberFns.has(node.name)) col(node.args[0], 'number');
      else if (node.name === 'date_trunc') col(node.args[1], 'timestamp');
      break;
    default:
      break;
  }
  for (const child of exprChildren(node)) guessTypes(child, note);
  for (const c of referencedColumns(node)) note(c, undefined);
}

function isArithmetic(n: ExprNode): boolean {
  return n.kind === 'binary' && ['+', '-', '*', '/', '%'].includes(n.op);
}

/**
 * The columns the steps reading `source` use, up to the first step that makes new rows (an
 * aggregation or a join, whose later columns may come from elsewhere).
 */
export function usageOf(flow: Flow, source: Ref): Usage {
  const columns = new Map<string, Guess | undefined>();
  const note = (c: string, g: Guess | undefined) => {
    if (columns.get(c) === undefined) columns.set(c, g);
  };
  const readers = (ref: Ref) =>
    flow.steps.flatMap((s, i) => (inputsOf(s).includes(ref) ? [[i, s] as const] : []));
  /** Whether anything from `ref` on needs column types. */
  const typedFrom = (ref: Ref, seen: Set<Ref>): boolean =>
    readers(ref).some(([i, s]) => {
      if (seen.has(i)) return false;
      seen.add(i);
      return s.kind === 'aggregate' || s.kind === 'watermark' || typedFrom(i, seen);
    });
  let typed = false;
  const walk = (ref: Ref, seen: Set<Ref>) => {
    for (const [i, s] of readers(ref)) {
      if (seen.has(i)) continue;
      seen.add(i);
      if (s.kind === 'aggregate' || s.kind === 'watermark') typed = true;
      if (s.kind === 'join' && s.right === ref) {
        // The right side of a join gives its keys; typed steps after the join need its columns too.
        for (const k of s.on.right) note(k, undefined);
        if (typedFrom(i, new Set())) typed = true;
        continue;
      }
      if (visit(s, note)) walk(i, seen);
    }
  };
  walk(source, new Set());
  return { columns, typed };
}

/**
 * Notes what `step` uses of its input rows; true when later steps still see the same columns
 * (after a join, columns the config uses next are taken to come from the left side).
 */
function visit(step: Step, note: (c: string, g: Guess | undefined) => void): boolean {
  switch (step.kind) {
    case 'filter':
      guessTypes(step.condition, note);
      return true;
    case 'watermark':
      note(step.column, 'timestamp');
      return true;
    case 'hint':
      if (step.hint.type === 'repartition') for (const c of step.hint.columns) note(c, undefined);
      return true;
    case 'aggregate':
      if (step.window) note(step.window.column ?? '', 'timestamp');
      for (const k of step.keys) note(k, undefined);
      for (const a of step.aggregates)
        if (a.column !== undefined)
          note(a.column, a.fn === 'sum' || a.fn === 'avg' ? 'number' : undefined);
      return false;
    case 'join':
      for (const k of step.on.left) note(k, undefined);
      return true;
    case 'sink': {
      const s = step.sink;
      for (const c of [...asList(s.partitionBy), ...asList(s.key)]) note(c, undefined);
      return false;
    }
    case 'lateRows':
      return true;
    case 'source':
      return false;
  }
}

function asList(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** A column's type when nothing in the config says it: by its name, else a string. */
function byName(name: string): DataType {
  if (/(^|_)(date|day)$/i.test(name)) return 'date';
  if (/(^|_)(time|timestamp|ts)$|_at$/i.test(name)) return 'timestamp';
  return 'string';
}

const guessType: Readonly<Record<Guess, DataType>> = {
  number: 'double',
  string: 'string',
  boolean: 'boolean',
  timestamp: 'timestamp',
  date: 'date',
};

/**
 * Inferred columns are nullable, as Spark's are when a schema is not declared: a JSON record
 * without the key, or with `null`, is a row with a null value (counted by `count(*)`, skipped by
 * `sum`), never a bad record. Nothing in a config proves a value is always there.
 */
export function inferredFields(usage: Usage): Field[] {
  return [...usage.columns]
    .filter(([name]) => name !== '')
    .map(([name, g]) => ({
      name,
      type: g === undefined ? byName(name) : guessType[g],
      nullable: true,
    }));
}

/** Spark's Kafka columns: a condition on these reads the raw record, not a JSON value. */
export const rawKafkaColumns = [
  'key',
  'value',
  'topic',
  'partition',
  'offset',
  'timestamp',
  'headers',
] as const;
