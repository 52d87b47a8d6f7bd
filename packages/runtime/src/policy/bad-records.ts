import { badRecordSchema, type Policy } from '@pipekit/core';
import type { Logger } from 'pino';
import type { SinkWriter } from '../connector.js';
import { PipelineFailure } from '../errors.js';
import type { Epoch } from '../graph/batch.js';
import type { NodeMetrics } from '../metrics/node-metrics.js';
import type { BadRecord, Row } from '../row.js';

/** How many bad records a node logs one by one before it only logs counts. */
const logEach = 10;

export interface BadRecordContext {
  readonly pipeline: string;
  readonly queryId: string;
  readonly logger: Logger;
  readonly metrics: NodeMetrics;
  /** The dead-letter sink's writer, for a `deadLetter` policy. */
  readonly deadLetter: SinkWriter | null;
}

/** A bad record as a row of core's `badRecordSchema`. */
export function badRecordRow(b: BadRecord): Row {
  return { reason: b.reason, node: b.node, position: b.position, record: b.record };
}

/**
 * Applies a node's bad-record policy to the records it refused in one batch and returns those that
 * go on as its side output. Every record is counted; none is dropped silently.
 */
export function badRecordHandler(
  policy: Policy,
  ctx: BadRecordContext,
  /** Late rows go through the same policies; they are counted as `lateRows` by their caller. */
  what: 'bad record' | 'late row' = 'bad record',
): (bad: readonly BadRecord[], epoch: Epoch) => Promise<readonly BadRecord[]> {
  let logged = 0;
  const none: readonly BadRecord[] = [];
  return async (bad, epoch) => {
    if (bad.length === 0) return none;
    const m = ctx.metrics;
    if (what === 'bad record') m.badRecords += bad.length;
    switch (policy.type) {
      case 'drop':
        m.dropped += bad.length;
        return none;
      case 'log': {
        m.dropped += bad.length;
        for (const b of bad.slice(0, Math.max(0, logEach - logged)))
          ctx.logger.warn(
            { node: b.node, position: b.position, reason: b.reason, batchId: epoch.batchId },
            what,
          );
        if (logged + bad.length > logEach)
          ctx.logger.warn(
            {
              node: m.id,
              count: bad.length,
              total: what === 'bad record' ? m.badRecords : m.lateRows,
              batchId: epoch.batchId,
            },
            `${what}s (counted, not each logged)`,
          );
        logged += bad.length;
        return none;
      }
      case 'deadLetter':
        await ctx.deadLetter!.writeBatch({
          queryId: `${ctx.queryId}/dead-letter/${m.id}`,
          batchId: epoch.batchId,
          rows: bad.map(badRecordRow),
          schema: badRecordSchema,
        });
        m.deadLettered += bad.length;
        return none;
      case 'sideOutput':
        return bad;
      case 'fail': {
        const b = bad[0]!;
        throw new PipelineFailure(
          ctx.pipeline,
          m.id,
          m.kind,
          epoch.batchId,
          `${what} at ${b.position ?? 'unknown position'}: ${b.reason} (policy 'fail')`,
        );
      }
    }
  };
}
