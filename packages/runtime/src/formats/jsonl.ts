import type { ToRowResult } from '../connector.js';
import type { BadRecord, Row } from '../row.js';

/** Parses JSON lines; a line that is not JSON or not of the schema is a bad record at `file:line`. */
export function parseJsonLines(
  text: string,
  file: string,
  toRow: (record: unknown, position: string) => ToRowResult,
  nodeId: string,
): { rows: Row[]; badRecords: BadRecord[] } {
  const rows: Row[] = [];
  const badRecords: BadRecord[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const position = `${file}:${i + 1}`;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch (e) {
      badRecords.push({
        reason: `not JSON: ${(e as Error).message}`,
        node: nodeId,
        position,
        record: line,
      });
      continue;
    }
    const r = toRow(record, position);
    if (r.ok) rows.push(r.row);
    else badRecords.push(r.bad);
  }
  return { rows, badRecords };
}

/** Rows as JSON lines; Dates become ISO strings. */
export function formatJsonLines(rows: readonly Row[]): string {
  let out = '';
  for (const r of rows) out += `${JSON.stringify(r)}\n`;
  return out;
}
