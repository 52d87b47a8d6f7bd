import { nodeInputs, type Plan, type PlanNode, referencedColumns } from '@pipekit/core';
import type { NodeInfo } from './compile-plan.js';

/** The columns of a node's output its readers look at: some by name, or every one. */
export type ColumnNeed = ReadonlySet<string> | 'all';

/** What column pruning found: what each node's readers need, and the selects that can pass rows as they are. */
export interface ColumnUse {
  /** By node id: the output columns read downstream ('all' when a row is seen whole). */
  readonly need: ReadonlyMap<string, ColumnNeed>;
  /**
   * Selects that only keep input columns under their own names, read downstream only by name:
   * they can pass their input rows on unchanged (the extra columns are never looked at).
   */
  readonly passThrough: ReadonlySet<string>;
}

function union(a: ColumnNeed | undefined, b: ColumnNeed): ColumnNeed {
  if (a === undefined) return b;
  if (a === 'all' || b === 'all') return 'all';
  const out = new Set(a);
  for (const c of b) out.add(c);
  return out;
}

function plus(need: ColumnNeed, cols: Iterable<string>): ColumnNeed {
  if (need === 'all') return 'all';
  const out = new Set(need);
  for (const c of cols) out.add(c);
  return out;
}

/** Whether a select keeps input columns under their own names only. */
function isIdentitySelect(n: PlanNode): boolean {
  return (
    n.kind === 'select' &&
    n.columns.every((c) => c.expr.kind === 'column' && c.expr.name === c.name) &&
    new Set(n.columns.map((c) => c.name)).size === n.columns.length
  );
}

/**
 * Column pruning, worked out backwards over the plan: which columns each node's output must carry.
 * Conservative: sinks, UDFs, unions, joins, dedupe, side outputs and any late policy that shows
 * rows (every one but `drop`) see whole rows. An aggregate on a bounded input, or on a stream
 * with a `drop` late policy, asks for just the columns it reads.
 */
export function columnUse(plan: Plan, infos: ReadonlyMap<string, NodeInfo>): ColumnUse {
  const need = new Map<string, ColumnNeed>();
  const passThrough = new Set<string>();
  const sideOutputOf = new Set<string>();
  for (const n of plan.nodes) if (n.kind === 'sideOutput') sideOutputOf.add(n.of);
  const ask = (id: string, cols: ColumnNeed) => need.set(id, union(need.get(id), cols));
  for (let i = plan.nodes.length - 1; i >= 0; i--) {
    const n = plan.nodes[i]!;
    // Nothing reads it (or only side outputs): its rows are never looked at.
    const own: ColumnNeed = need.get(n.id) ?? new Set<string>();
    if (sideOutputOf.has(n.id)) {
      for (const input of nodeInputs(n)) ask(input, 'all');
      continue;
    }
    switch (n.kind) {
      case 'source':
      case 'sideOutput':
        break;
      case 'filter':
        ask(n.input, plus(own, referencedColumns(n.predicate)));
        break;
      case 'select':
        if (own !== 'all' && isIdentitySelect(n)) {
          passThrough.add(n.id);
          ask(n.input, own);
        } else ask(n.input, new Set(n.columns.flatMap((c) => referencedColumns(c.expr))));
        break;
      case 'withColumn': {
        if (own === 'all') ask(n.input, 'all');
        else {
          const rest = new Set(own);
          rest.delete(n.column);
          ask(n.input, plus(rest, referencedColumns(n.expr)));
        }
        break;
      }
      case 'drop':
      case 'hint':
      case 'watermark':
        ask(n.input, n.kind === 'watermark' ? plus(own, [n.column]) : own);
        break;
      case 'aggregate': {
        // On a bounded input nothing is late; on a stream, late rows are seen whole unless dropped.
        const late = n.late ?? plan.policies.late;
        if (!infos.get(n.id)?.bounded && late.type !== 'drop') ask(n.input, 'all');
        else {
          const cols = new Set(n.keys);
          for (const a of n.aggregates) if (a.column !== undefined) cols.add(a.column);
          if (n.window) cols.add(n.window.column);
          ask(n.input, cols);
        }
        break;
      }
      default:
        for (const input of nodeInputs(n)) ask(input, 'all');
    }
  }
  return { need, passThrough };
}
