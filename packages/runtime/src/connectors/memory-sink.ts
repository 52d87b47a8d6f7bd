import type { MemorySinkSpec } from '@pipekit/core';
import type { SinkBatch, SinkContext, SinkWriter } from '../connector.js';

/**
 * Keeps rows in the run's `MemoryStore` under the sink's name: appended, or replaced by each batch
 * in complete mode. Idempotent per batch id: a batch id seen before is not appended again.
 */
export class MemoryWriter implements SinkWriter {
  private lastBatch = -1;

  constructor(
    private readonly spec: MemorySinkSpec,
    private readonly ctx: SinkContext,
  ) {}

  writeBatch(batch: SinkBatch): void {
    if (batch.batchId <= this.lastBatch) return;
    this.lastBatch = batch.batchId;
    this.ctx.memory.write(this.spec.name, batch.rows, this.ctx.outputMode === 'complete');
  }

  close(): void {}
}
