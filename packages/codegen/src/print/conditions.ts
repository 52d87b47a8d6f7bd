import { isDeepStrictEqual } from 'node:util';
import {
  type ExprNode,
  nodeInputs,
  type PlanNodeOf,
  parseSqlExpression,
  printSql,
  referencedColumns,
} from '@pipekit/core';
import type { Annotations } from '../convert/build.js';
import { pad } from './chain.js';
import { fits } from './code.js';
import { ExprPrinter } from './expr.js';
import type { PlanFacts } from './plan-facts.js';

/** Notes the printer makes about the code it wrote (a condition kept as SQL). */
export interface PrintNote {
  readonly nodeId: string;
  readonly message: string;
}

/**
 * Conditions and values as typed builder code (`(r) => r.amount.gt(100)`, `col('a')` on rows of
 * unknown columns), or as `sql\`...\`` with a note that says why no typed form exists.
 */
export class ConditionPrinter {
  constructor(
    private readonly facts: PlanFacts,
    private readonly annotations: Annotations,
    private readonly imports: Set<string>,
    private readonly notes: PrintNote[],
  ) {}

  /** `.filter(...)`; a long AND/OR of several conditions becomes `and(...)` with one condition a line. */
  filterCall(n: PlanNodeOf<'filter'>, indent: number): string {
    const code = this.condition(n.id, n.predicate, 'filter');
    const flat = `.filter(${code})`;
    if (fits(flat, indent)) return flat;
    const terms = this.terms(n.id, n.predicate);
    if (!terms) return flat;
    this.imports.add(terms.op);
    const row = terms.usesRow ? '(r) =>\n' + pad(indent + 2) : '';
    const inner = terms.usesRow ? indent + 2 : indent;
    const list = terms.codes.map((c) => `${pad(inner + 2)}${c},`).join('\n');
    return `.filter(${row}${terms.op}(\n${list}\n${pad(inner)})${terms.usesRow ? `,\n${pad(indent)}` : ''})`;
  }

  /** The conditions of a left-nested AND (or OR) chain, each as typed code. */
  terms(
    id: string,
    node: ExprNode,
  ): { op: 'and' | 'or'; codes: string[]; usesRow: boolean } | null {
    if (node.kind !== 'binary' || (node.op !== 'and' && node.op !== 'or')) return null;
    const op = node.op;
    const parts: ExprNode[] = [];
    let at: ExprNode = node;
    while (at.kind === 'binary' && at.op === op) {
      parts.unshift(at.right);
      at = at.left;
    }
    parts.unshift(at);
    const printer = this.exprPrinter(id);
    const printed = parts.map((p) => printer.predicate(p));
    if (printed.some((p) => p === null)) return null;
    const ok = printed as { code: string; imports: string[]; usesRow: boolean }[];
    for (const p of ok) for (const i of p.imports) this.imports.add(i);
    return { op, codes: ok.map((p) => p.code), usesRow: ok.some((p) => p.usesRow) };
  }

  exprPrinter(id: string): ExprPrinter {
    const input = this.facts.byId.get(id);
    const inputId = input ? nodeInputs(input)[0] : undefined;
    const schema = inputId === undefined ? null : (this.facts.schemas.get(inputId) ?? null);
    return new ExprPrinter(
      schema,
      schema === null || inputId === undefined || this.facts.untyped(inputId),
    );
  }

  condition(id: string, node: ExprNode, what: 'filter' | 'value'): string {
    const printer = this.exprPrinter(id);
    const typed = what === 'filter' ? printer.predicate(node) : printer.value(node);
    if (typed) {
      for (const i of typed.imports) this.imports.add(i);
      return typed.usesRow ? `(r) => ${typed.code}` : typed.code;
    }
    this.imports.add('sql');
    const original = this.annotations.conditions.get(id);
    const text = original !== undefined && sameTree(original, node) ? original : printSql(node);
    this.notes.push({
      nodeId: id,
      message: `the condition \`${text}\` is kept as sql\`...\`: ${this.untypedReason(id, node)}`,
    });
    return `sql\`${text.replaceAll('\\', '\\\\').replaceAll('`', '\\`').replaceAll('${', '\\${')}\``;
  }

  /** Why a condition has no typed form here: the real reason, for the warning. */
  untypedReason(id: string, node: ExprNode): string {
    const input = nodeInputs(this.facts.byId.get(id)!)[0];
    const schema = input === undefined ? null : (this.facts.schemas.get(input) ?? null);
    const unknown = referencedColumns(node).filter(
      (c) => schema !== null && !schema.fields.some((f) => f.name === c),
    );
    if (schema !== null && unknown.length > 0)
      return `the type of column ${unknown.map((c) => `'${c}'`).join(', ')} is not known here (no column of that name comes out of the step before)`;
    const sources = this.facts.untypedSources(input ?? '');
    const why = 'no typed builder call gives the same tree';
    return sources.length === 0
      ? why
      : `${why}, even with col() and fn() (its column types are unknown: ${sources.join(', ')} declare${sources.length === 1 ? 's' : ''} no schema)`;
  }
}

function sameTree(text: string, node: ExprNode): boolean {
  try {
    return isDeepStrictEqual(parseSqlExpression(text), node);
  } catch {
    return false;
  }
}
