import type { Row } from '../row.js';

function quote(s: string, delimiter: string): string {
  return s.includes(delimiter) || s.includes('"') || s.includes('\n') || s.includes('\r')
    ? `"${s.replace(/"/g, '""')}"`
    : s;
}

/** Rows as CSV with a header line; NULL is an empty field, Dates ISO text. */
export function formatCsv(
  rows: readonly Row[],
  columns: readonly string[],
  delimiter = ',',
): string {
  const text = (v: unknown) =>
    v === null || v === undefined
      ? ''
      : v instanceof Date
        ? v.toISOString()
        : typeof v === 'object'
          ? JSON.stringify(v)
          : String(v);
  let out = `${columns.map((c) => quote(c, delimiter)).join(delimiter)}\n`;
  for (const r of rows)
    out += `${columns.map((c) => quote(text(r[c]), delimiter)).join(delimiter)}\n`;
  return out;
}
