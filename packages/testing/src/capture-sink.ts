import type { OutputMode } from '@pipekit/core';
import type { Row, SinkBatch, SinkWriter } from '@pipekit/runtime';

/** What one sink received: its rows by batch id, and how they relate to earlier batches. */
export interface Captured {
  readonly outputMode: OutputMode;
  readonly byBatch: Map<number, readonly Row[]>;
}

/** Keeps what the runtime writes to a sink instead of writing it anywhere. */
export class CaptureWriter implements SinkWriter {
  constructor(private readonly into: Captured) {}

  writeBatch(batch: SinkBatch): void {
    // Idempotent per batch id, like every transactional sink.
    if (!this.into.byBatch.has(batch.batchId))
      this.into.byBatch.set(batch.batchId, batch.rows.slice());
  }

  close(): void {}
}

/** The rows a sink holds in the end: the last result in complete mode, all rows otherwise. */
export function finalRows(c: Captured): Row[] {
  const batches = [...c.byBatch.entries()].sort((a, b) => a[0] - b[0]).map(([, rows]) => rows);
  if (c.outputMode === 'complete') return [...(batches.at(-1) ?? [])];
  return batches.flat();
}
