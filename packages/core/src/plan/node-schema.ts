import type { NodeOp } from '../builder/graph.js';
import type { Issue } from '../errors/pipekit-error.js';
import type { ExprNode } from '../expr/expr-node.js';
import { checkExpr, inferExprType } from '../expr/infer-type.js';
import {
  type DataType,
  type Field,
  isNumericType,
  isTimeField,
  type Schema,
} from '../schema/data-type.js';
import { joinKeyIssues } from './join-keys.js';

/** The columns of the side output of bad records: the record as text, and why it was refused. */
export const badRecordSchema: Schema = Object.freeze({
  fields: [
    { name: 'reason', type: 'string', nullable: false },
    { name: 'node', type: 'string', nullable: false },
    { name: 'position', type: 'string', nullable: true },
    { name: 'record', type: 'string', nullable: true },
  ] satisfies Field[],
});

export interface NodeCheck {
  readonly schema: Schema | null;
  readonly issues: readonly Issue[];
}

function names(s: Schema): string {
  return s.fields.map((f) => f.name).join(', ');
}

function fieldOf(s: Schema | null, name: string): Field | undefined {
  return s?.fields.find((f) => f.name === name);
}

/** Issues for columns missing from a known schema, at `path[i]`. */
function requireColumns(
  s: Schema | null,
  cols: readonly string[],
  path: (string | number)[],
): Issue[] {
  if (!s) return [];
  return cols.flatMap((c, i) =>
    fieldOf(s, c)
      ? []
      : [{ path: [...path, i], message: `unknown column '${c}'`, fix: `columns are: ${names(s)}` }],
  );
}

function exprField(name: string, e: ExprNode, s: Schema): Field | null {
  const t = inferExprType(e, s);
  if (t.type === 'unknown') return null;
  return { name, type: t.type === 'null' ? 'string' : t.type, nullable: t.nullable };
}

function withPrefix(issues: readonly Issue[], path: (string | number)[]): Issue[] {
  return issues.map((i) => ({ ...i, path: [...path, ...i.path] }));
}

function aggregateType(fn: string, f: Field | undefined): DataType {
  if (fn === 'count' || fn === 'countDistinct') return 'long';
  if (fn === 'avg') return 'double';
  if (!f) return 'double';
  if (fn === 'sum')
    return f.type === 'double' || f.type === 'float'
      ? 'double'
      : typeof f.type === 'string' && f.type.startsWith('decimal')
        ? f.type
        : 'long';
  return f.type;
}

/**
 * What a node outputs and what is wrong with it, given its inputs' schemas (null where unknown).
 * The builders call it at each step, so a mistake fails where it is written; `validatePlan` calls it
 * for plans read from files.
 */
export function checkNode(op: NodeOp, inputs: readonly (Schema | null)[]): NodeCheck {
  const input = inputs[0] ?? null;
  switch (op.kind) {
    case 'source':
      return { schema: op.schema, issues: [] };
    case 'filter': {
      const issues = input ? withPrefix(checkExpr(op.predicate, input), ['predicate']) : [];
      if (input && issues.length === 0) {
        const t = inferExprType(op.predicate, input).type;
        if (t !== 'boolean' && t !== 'unknown' && t !== 'null')
          issues.push({
            path: ['predicate'],
            message: `a filter needs a boolean condition, not ${typeof t === 'string' ? t : t.type}`,
          });
      }
      return { schema: input, issues };
    }
    case 'select': {
      if (!input) return { schema: null, issues: [] };
      const issues = op.columns.flatMap((c, i) =>
        withPrefix(checkExpr(c.expr, input), ['columns', i, 'expr']),
      );
      const fields = op.columns.map((c) => exprField(c.name, c.expr, input));
      const dup = op.columns.map((c) => c.name).find((n, i, all) => all.indexOf(n) !== i);
      if (dup) issues.push({ path: ['columns'], message: `column '${dup}' is selected twice` });
      return {
        schema: fields.every((f) => f !== null) ? { fields: fields as Field[] } : null,
        issues,
      };
    }
    case 'withColumn': {
      if (!input) return { schema: null, issues: [] };
      const issues = withPrefix(checkExpr(op.expr, input), ['expr']);
      const f = exprField(op.column, op.expr, input);
      if (!f) return { schema: null, issues };
      const exists = input.fields.some((x) => x.name === op.column);
      const fields = exists
        ? input.fields.map((x) => (x.name === op.column ? f : x))
        : [...input.fields, f];
      return { schema: { fields }, issues };
    }
    case 'drop':
      return {
        schema: input ? { fields: input.fields.filter((f) => !op.columns.includes(f.name)) } : null,
        issues: requireColumns(input, op.columns, ['columns']),
      };
    case 'map':
      return { schema: op.schema, issues: [] };
    case 'union': {
      const issues: Issue[] = [];
      const [head, ...rest] = inputs;
      rest.forEach((s, i) => {
        if (head && s && names(head) !== names(s))
          issues.push({
            path: ['inputs', i + 1],
            message: `union needs the same columns in the same order: (${names(head)}) vs (${names(s)})`,
            fix: 'select the same columns on both sides first',
          });
      });
      return { schema: head ?? null, issues };
    }
    case 'hint':
      return {
        schema: input,
        issues:
          op.hint.type === 'repartition'
            ? requireColumns(input, op.hint.columns ?? [], ['hint', 'columns'])
            : [],
      };
    case 'watermark': {
      const f = fieldOf(input, op.column);
      const issues = requireColumns(input, [op.column], []).map((i) => ({
        ...i,
        path: ['column'],
      }));
      if (f && !isTimeField(f))
        issues.push({
          path: ['column'],
          message: `watermark column '${op.column}' is ${typeof f.type === 'string' ? f.type : f.type.type}, not a time`,
          fix: 'use a timestamp column, or declare epoch milliseconds with epochMillis()',
        });
      return { schema: input, issues };
    }
    case 'dedupe':
      return { schema: input, issues: requireColumns(input, op.columns, ['columns']) };
    case 'aggregate': {
      const issues = requireColumns(input, op.keys, ['keys']);
      if (op.window?.column !== undefined) {
        const wf = fieldOf(input, op.window.column);
        if (input && !wf)
          issues.push({
            path: ['window', 'column'],
            message: `unknown column '${op.window.column}'`,
            fix: `columns are: ${names(input)}`,
          });
        else if (wf && !isTimeField(wf))
          issues.push({
            path: ['window', 'column'],
            message: `window column '${op.window.column}' is not a time`,
          });
      }
      op.aggregates.forEach((a, i) => {
        if (a.column === undefined || !input) return;
        const f = fieldOf(input, a.column);
        if (!f)
          issues.push({
            path: ['aggregates', i, 'column'],
            message: `unknown column '${a.column}'`,
            fix: `columns are: ${names(input)}`,
          });
        else if ((a.fn === 'sum' || a.fn === 'avg') && !isNumericType(f.type))
          issues.push({
            path: ['aggregates', i, 'column'],
            message: `${a.fn} needs a numeric column; '${a.column}' is ${typeof f.type === 'string' ? f.type : f.type.type}`,
          });
      });
      const dup = op.aggregates
        .map((a) => a.name)
        .find((n, i, all) => all.indexOf(n) !== i || op.keys.includes(n));
      if (dup)
        issues.push({ path: ['aggregates'], message: `output column '${dup}' is named twice` });
      if (!input) return { schema: null, issues };
      const windowFields: Field[] = op.window
        ? [
            { name: 'window_start', type: 'timestamp', nullable: false },
            { name: 'window_end', type: 'timestamp', nullable: false },
          ]
        : [];
      const keyFields = op.keys.flatMap((k) => fieldOf(input, k) ?? []);
      const aggFields = op.aggregates.map((a): Field => {
        const f = a.column === undefined ? undefined : fieldOf(input, a.column);
        const nullable =
          a.fn === 'count' || a.fn === 'countDistinct' ? false : (f?.nullable ?? true);
        return { name: a.name, type: aggregateType(a.fn, f), nullable };
      });
      return { schema: { fields: [...windowFields, ...keyFields, ...aggFields] }, issues };
    }
    case 'join': {
      const [left, right] = inputs;
      const issues = [
        ...requireColumns(left ?? null, op.on.left, ['on', 'left']),
        ...requireColumns(right ?? null, op.on.right, ['on', 'right']),
      ];
      if (!left || !right) return { schema: null, issues };
      issues.push(...joinKeyIssues(left, right, op.on));
      const leftNullable = op.joinType === 'right' || op.joinType === 'full';
      const rightNullable = op.joinType === 'left' || op.joinType === 'full';
      const leftFields = left.fields.map((f) =>
        op.on.left.includes(f.name)
          ? { ...f, nullable: f.nullable || op.joinType === 'full' }
          : { ...f, nullable: f.nullable || leftNullable },
      );
      const taken = new Set(leftFields.map((f) => f.name));
      const rightFields = right.fields
        .filter((f) => !op.on.right.includes(f.name))
        .map((f) => ({
          ...f,
          name: taken.has(f.name) ? `${f.name}_right` : f.name,
          nullable: f.nullable || rightNullable,
        }));
      return { schema: { fields: [...leftFields, ...rightFields] }, issues };
    }
    case 'sideOutput':
      return { schema: op.output === 'badRecords' ? badRecordSchema : input, issues: [] };
    case 'sink': {
      const s = op.sink;
      const cols =
        s.type === 'delta' || s.type === 'file'
          ? { path: ['sink', 'partitionBy'], cols: s.partitionBy }
          : s.type === 'postgres'
            ? { path: ['sink', 'key'], cols: s.key ?? [] }
            : s.type === 'kafka'
              ? {
                  path: ['sink', 'key'],
                  cols: [
                    ...(s.key ? [s.key] : []),
                    ...(s.headers ?? []),
                    ...(s.valueColumns ?? []),
                  ],
                }
              : { path: [], cols: [] };
      return { schema: input, issues: requireColumns(input, cols.cols, cols.path) };
    }
  }
}
