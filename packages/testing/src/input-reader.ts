import type { Offset, ReadResult, Row, SourceContext, SourceReader } from '@pipekit/runtime';

/**
 * A source fed by a test: input batch i is read in micro-batch i, whatever the trigger's limits.
 * The offset is the number of input batches read. Rows are checked against the source's schema
 * as a real source's are (a row that does not fit is a bad record). A source the plan says is
 * unbounded never ends, as in production; a bounded one ends after its last batch.
 */
export class InputReader implements SourceReader {
  constructor(
    private readonly batches: readonly (readonly Row[])[],
    private readonly bounded: boolean,
    private readonly ctx: SourceContext,
  ) {}

  initialOffset(): Offset {
    return 0;
  }

  planBatch(start: Offset): Offset | null {
    const from = start as number;
    return from < this.batches.length ? from + 1 : null;
  }

  readBatch(start: Offset, end: Offset): ReadResult {
    const rows: Row[] = [];
    const badRecords: NonNullable<ReadResult['badRecords']>[number][] = [];
    for (let b = start as number; b < (end as number); b++)
      (this.batches[b] ?? []).forEach((raw, i) => {
        const r = this.ctx.toRow(raw, `input batch ${b} row ${i}`);
        if (r.ok) rows.push(r.row);
        else badRecords.push(r.bad);
      });
    return { rows, badRecords };
  }

  commit(): void {}

  isExhausted(offset: Offset): boolean {
    return this.bounded && (offset as number) >= this.batches.length;
  }

  close(): void {}
}
