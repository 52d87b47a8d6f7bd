import type { ToRowResult } from '../connector.js';
import type { BadRecord, Row } from '../row.js';

/**
 * Splits CSV text into records of fields (RFC 4180: quoted fields may hold the delimiter, quotes
 * doubled, and newlines). Returns each record with the line it starts on.
 */
export function splitCsv(
  text: string,
  delimiter: string,
): { fields: (string | null)[]; line: number }[] {
  const out: { fields: (string | null)[]; line: number }[] = [];
  let fields: (string | null)[] = [];
  let field = '';
  let quoted = false;
  let wasQuoted = false;
  let line = 1;
  let startLine = 1;
  const endField = () => {
    fields.push(field === '' && !wasQuoted ? null : field);
    field = '';
    wasQuoted = false;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
    } else if (ch === '"' && field === '') {
      quoted = true;
      wasQuoted = true;
    } else if (ch === delimiter) endField();
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endField();
      if (!(fields.length === 1 && fields[0] === null)) out.push({ fields, line: startLine });
      fields = [];
      line++;
      startLine = line;
    } else field += ch;
  }
  if (field !== '' || wasQuoted || fields.length > 0) {
    endField();
    out.push({ fields, line: startLine });
  }
  return out;
}

/**
 * Parses CSV; with a header the first record names the columns, without one columns are the
 * schema's (or `_c0`, `_c1`, ... as Spark). Empty unquoted fields are NULL. A record with the
 * wrong number of fields, or a value not of the schema, is a bad record at `file:line`.
 */
export function parseCsv(
  text: string,
  file: string,
  options: { header: boolean; delimiter: string; columns: readonly string[] | null },
  toRow: (record: unknown, position: string) => ToRowResult,
  nodeId: string,
): { rows: Row[]; badRecords: BadRecord[] } {
  const records = splitCsv(text, options.delimiter);
  const rows: Row[] = [];
  const badRecords: BadRecord[] = [];
  let names = options.columns;
  let start = 0;
  if (options.header && records.length > 0) {
    names = records[0]!.fields.map((f, i) => f ?? `_c${i}`);
    start = 1;
  }
  for (let i = start; i < records.length; i++) {
    const { fields, line } = records[i]!;
    const cols = names ?? fields.map((_f, j) => `_c${j}`);
    const position = `${file}:${line}`;
    if (fields.length !== cols.length) {
      badRecords.push({
        reason: `expected ${cols.length} fields, got ${fields.length}`,
        node: nodeId,
        position,
        record: fields.map((f) => f ?? '').join(options.delimiter),
      });
      continue;
    }
    const record: Row = {};
    cols.forEach((c, j) => {
      record[c] = fields[j];
    });
    const r = toRow(record, position);
    if (r.ok) rows.push(r.row);
    else badRecords.push(r.bad);
  }
  return { rows, badRecords };
}

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
