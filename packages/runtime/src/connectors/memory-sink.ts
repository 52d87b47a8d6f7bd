import type { MemorySinkSpec } from '@pipekit/core';
import type { SinkBatch, SinkContext, SinkWriter } from '../connector.js';

/**
 * Keeps rows in the run's `MemoryStore` under the sink's name: appended, or replaced by each batch
 * in complete mode. Idempotent per (query id, batch id), in the store, so also across runs that
 * share a store: a batch a restarted query replays is not appended again.
 */
export class MemoryWriter implements SinkWriter {
  constructor(
    private readonly spec: MemorySinkSpec,
    private readonly ctx: SinkContext,
  ) {}

  writeBatch(batch: SinkBatch): void {
    if (!this.ctx.memory.claimBatch(this.spec.name, batch.queryId, batch.batchId)) return;
    this.ctx.memory.write(this.spec.name, batch.rows, this.ctx.outputMode === 'complete');
  }

  close(): void {}
}
