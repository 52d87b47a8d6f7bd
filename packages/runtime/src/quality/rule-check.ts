import { type CompileOptions, compileExpr, type ExpectationRule, type Schema } from '@pipekit/core';
import type { Row } from '../row.js';

/** Marks the rows of a batch that fail one rule: `failed[i] === 1` for row i. */
export type RuleCheck = (rows: readonly Row[]) => Uint8Array;

/**
 * A rule compiled once. A predicate rule fails a row when the expression is FALSE: NULL (unknown)
 * passes, as a SQL CHECK constraint and Delta's CHECK constraints do. A unique rule fails a row
 * when an earlier row of the same batch has the same values in its columns; rows with a NULL in
 * them pass (NULLs are not equal in SQL's UNIQUE).
 */
export function compileRuleCheck(
  rule: ExpectationRule,
  schema: Schema | null,
  options: CompileOptions,
): RuleCheck {
  const check = rule.check;
  if (check.type === 'predicate') {
    const f = compileExpr(check.predicate, schema ?? undefined, options);
    return (rows) => {
      const failed = new Uint8Array(rows.length);
      for (let i = 0; i < rows.length; i++) if (f(rows[i]!) === false) failed[i] = 1;
      return failed;
    };
  }
  const columns = check.columns;
  return (rows) => {
    const failed = new Uint8Array(rows.length);
    const seen = new Set<unknown>();
    for (let i = 0; i < rows.length; i++) {
      const key = uniqueKey(rows[i]!, columns);
      if (key === null) continue;
      if (seen.has(key)) failed[i] = 1;
      else seen.add(key);
    }
    return failed;
  };
}

/** The value (one column) or JSON text (several) that identifies a row; null when a value is NULL. */
function uniqueKey(row: Row, columns: readonly string[]): unknown {
  if (columns.length === 1) {
    const v = row[columns[0]!];
    if (v === null || v === undefined) return null;
    return v instanceof Date
      ? `\u0000date:${v.getTime()}`
      : typeof v === 'object'
        ? JSON.stringify(v)
        : v;
  }
  const parts: unknown[] = [];
  for (const c of columns) {
    const v = row[c];
    if (v === null || v === undefined) return null;
    parts.push(v instanceof Date ? { d: v.getTime() } : v);
  }
  return JSON.stringify(parts);
}
