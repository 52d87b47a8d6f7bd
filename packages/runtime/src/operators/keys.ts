import type { Row } from '../row.js';

function part(v: unknown): string {
  if (v === null || v === undefined) return '\u0000';
  if (v instanceof Date) return `d${v.getTime()}`;
  if (typeof v === 'string') return `s${v}`;
  if (typeof v === 'object') return `o${JSON.stringify(v)}`;
  return `${typeof v === 'number' ? 'n' : 'b'}${String(v)}`;
}

/**
 * A function giving a Map key for a row's key columns: the value itself for one string or number
 * column (fast), otherwise a string that tells NULL, 1 and '1' apart.
 */
export function keyFunction(columns: readonly string[]): (row: Row) => unknown {
  if (columns.length === 0) return () => '';
  if (columns.length === 1) {
    const c = columns[0]!;
    return (r) => {
      const v = r[c];
      return typeof v === 'string' || typeof v === 'number' ? v : part(v);
    };
  }
  return (r) => {
    let k = '';
    for (const c of columns) k += `${part(r[c])}\u0001`;
    return k;
  };
}
