import type { CompiledExpr } from '@pipekit/core';
import type { Row } from '../row.js';

/** One output column: copied from an input column, or computed. */
export type OutputColumn =
  | { readonly name: string; readonly from: string }
  | { readonly name: string; readonly fn: CompiledExpr };

/**
 * A function that builds an output row as one object literal, so every row has the same shape
 * (fast property access downstream). Built once per node.
 */
export function projector(columns: readonly OutputColumn[]): (row: Row) => Row {
  const fns: CompiledExpr[] = [];
  const props = columns.map((c) => {
    if ('from' in c) return `${JSON.stringify(c.name)}: r[${JSON.stringify(c.from)}]`;
    fns.push(c.fn);
    return `${JSON.stringify(c.name)}: f[${fns.length - 1}](r)`;
  });
  return new Function(
    'f',
    `return (r) => ({ ${props.join(', ')} });\n//# sourceURL=pipekit-project.js`,
  )(fns) as (row: Row) => Row;
}

/** Applies `fn` to every row of an array, without the overhead of a callback per element. */
export function mapRows(rows: readonly Row[], fn: (row: Row) => Row): Row[] {
  const out = new Array<Row>(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = fn(rows[i]!);
  return out;
}
