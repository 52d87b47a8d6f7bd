import type { MemorySourceSpec } from '@pipekit/core';
import type { Offset, ReadLimits, ReadResult, SourceContext, SourceReader } from '../connector.js';
import type { BadRecord, Row } from '../row.js';

/**
 * Rows given in the plan. Timestamps are ISO strings there; they are coerced by the source schema,
 * so a memory source behaves like any other (a row that does not fit is a bad record).
 * The offset is the next row index.
 */
export class MemoryReader implements SourceReader {
  constructor(
    private readonly spec: MemorySourceSpec,
    private readonly ctx: SourceContext,
  ) {}

  initialOffset(): Offset {
    return 0;
  }

  planBatch(start: Offset, limits: ReadLimits): Offset | null {
    const from = start as number;
    const total = this.spec.rows.length;
    let size = limits.allAvailable ? total : (this.spec.batchSize ?? total);
    if (limits.maxRows !== undefined) size = Math.min(size, limits.maxRows);
    const end = Math.min(total, from + size);
    return end > from ? end : null;
  }

  readBatch(start: Offset, end: Offset): ReadResult {
    const rows: Row[] = [];
    const badRecords: BadRecord[] = [];
    for (let i = start as number; i < (end as number); i++) {
      const r = this.ctx.toRow(this.spec.rows[i], `row ${i}`);
      if (r.ok) rows.push(r.row);
      else badRecords.push(r.bad);
    }
    return { rows, badRecords };
  }

  commit(): void {}

  isExhausted(offset: Offset): boolean {
    return (offset as number) >= this.spec.rows.length;
  }

  close(): void {}
}
