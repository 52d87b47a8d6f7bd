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
import { call, dotCall, type Emit, fitsAt, rowLambda, token } from './emit.js';
import { ExprPrinter, type PrintedExpr } from './expr.js';
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

  /**
   * `.filter(...)`; an AND/OR of several conditions too long for a line becomes `and(...)`, which
   * Biome writes one condition a line.
   */
  filterCall(n: PlanNodeOf<'filter'>): Emit {
    const flat = dotCall('filter', [this.condition(n.id, n.predicate, 'filter')]);
    const terms = this.terms(n.id, n.predicate);
    if (!terms) return flat;
    const list = call(terms.op, terms.emits);
    const split = dotCall('filter', [terms.usesRow ? rowLambda(list) : list]);
    return (w) => {
      if (fitsAt(w, flat)) return flat(w);
      // Known when the file is laid out (a first pass collects it, see printFile).
      this.imports.add(terms.op);
      split(w);
    };
  }

  /** The conditions of a left-nested AND (or OR) chain, each as typed code. */
  terms(id: string, node: ExprNode): { op: 'and' | 'or'; emits: Emit[]; usesRow: boolean } | null {
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
    const ok = printed as PrintedExpr[];
    for (const p of ok) for (const i of p.imports) this.imports.add(i);
    return { op, emits: ok.map((p) => p.emit), usesRow: ok.some((p) => p.usesRow) };
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

  /** A condition or value: `(r) => ...` when it reads the row's typed columns. */
  condition(id: string, node: ExprNode, what: 'filter' | 'value'): Emit {
    const c = this.conditionParts(id, node, what);
    return c.usesRow ? rowLambda(c.body) : c.body;
  }

  /** A condition's code without its `(r) =>`, and whether it needs one. */
  conditionParts(
    id: string,
    node: ExprNode,
    what: 'filter' | 'value',
  ): { body: Emit; usesRow: boolean } {
    const printer = this.exprPrinter(id);
    const typed = what === 'filter' ? printer.predicate(node) : printer.value(node);
    if (typed) {
      for (const i of typed.imports) this.imports.add(i);
      return { body: typed.emit, usesRow: typed.usesRow };
    }
    this.imports.add('sql');
    const original = this.annotations.conditions.get(id);
    const text = original !== undefined && sameTree(original, node) ? original : printSql(node);
    this.notes.push({
      nodeId: id,
      message: `the condition \`${text}\` is kept as sql\`...\`: ${this.untypedReason(id, node)}`,
    });
    const escaped = text.replaceAll('\\', '\\\\').replaceAll('`', '\\`').replaceAll('${', '\\${');
    return { body: token(`sql\`${escaped}\``), usesRow: false };
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
