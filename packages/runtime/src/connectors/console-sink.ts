import type { ConsoleSinkSpec, Schema } from '@pipekit/core';
import type { SinkBatch, SinkContext, SinkWriter } from '../connector.js';
import type { Row } from '../row.js';

/** A cell as Spark's `show()` prints it. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (v instanceof Date)
    return Number.isNaN(v.getTime())
      ? 'Invalid Date'
      : v
          .toISOString()
          .replace('T', ' ')
          .replace(/\.000Z$|Z$/, '');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Rows as a bordered text table, like Spark's `Dataset.show(numRows, truncate)`. */
export function formatTable(
  rows: readonly Row[],
  schema: Schema | null,
  numRows: number,
  truncate: boolean,
): string {
  const columns = schema?.fields.map((f) => f.name) ?? [
    ...new Set(rows.slice(0, numRows).flatMap((r) => Object.keys(r))),
  ];
  const shown = rows.slice(0, numRows);
  const cut = (s: string) => (truncate && s.length > 20 ? `${s.slice(0, 17)}...` : s);
  const cells = shown.map((r) => columns.map((c) => cut(cellText(r[c]))));
  const widths = columns.map((c, i) =>
    Math.max(3, c.length, ...cells.map((row) => row[i]!.length)),
  );
  const pad = (s: string, w: number) => (truncate ? s.padStart(w) : s.padEnd(w));
  const line = `+${widths.map((w) => '-'.repeat(w)).join('+')}+`;
  const out = [line, `|${columns.map((c, i) => pad(c, widths[i]!)).join('|')}|`, line];
  for (const row of cells) out.push(`|${row.map((s, i) => pad(s, widths[i]!)).join('|')}|`);
  out.push(line);
  if (rows.length > numRows) out.push(`only showing top ${numRows} row${numRows === 1 ? '' : 's'}`);
  return `${out.join('\n')}\n`;
}

/** Prints each batch as a table on the run's stdout. */
export class ConsoleWriter implements SinkWriter {
  constructor(
    private readonly spec: ConsoleSinkSpec,
    private readonly ctx: SinkContext,
  ) {}

  writeBatch(batch: SinkBatch): void {
    const rule = '-------------------------------------------';
    this.ctx.stdout.write(
      `${rule}\nBatch: ${batch.batchId}\n${rule}\n${formatTable(batch.rows, batch.schema, this.spec.numRows, this.spec.truncate)}\n`,
    );
  }

  close(): void {}
}
