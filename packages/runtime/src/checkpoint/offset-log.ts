import { z } from 'zod';
import type { AtomicWriteSteps } from './atomic-write.js';
import { BatchLog } from './batch-log.js';
import { jsonValueSchema } from './json-file.js';
import { checkpointVersion } from './layout.js';

/** A source's place in a planned batch: where it started, and where it ends when it has rows. */
const sourceRangeSchema = z.strictObject({
  start: jsonValueSchema,
  /** Absent when the source had nothing in the batch. */
  end: jsonValueSchema.optional(),
});

/**
 * `offsets/<batchId>`: what a batch will read, written before it runs, so a crash in the middle
 * replays exactly that batch (Spark's offset log with its `OffsetSeqMetadata`).
 */
export const offsetEntrySchema = z.strictObject({
  version: z.literal(checkpointVersion),
  batchId: z.int().nonnegative(),
  /** The batch's instant (epoch ms): `current_timestamp()` gives the same value on a replay. */
  time: z.number(),
  /** The last batch: every source was exhausted. */
  final: z.boolean(),
  /** By source node id. */
  sources: z.record(z.string(), sourceRangeSchema),
  /**
   * The event-time watermark in effect for the batch (epoch ms; 0 before any), Spark's
   * `batchWatermarkMs`. Informational: the watermark itself is restored with the state.
   */
  watermark: z.number(),
});
export type OffsetEntry = z.output<typeof offsetEntrySchema>;

export class OffsetLog extends BatchLog<typeof offsetEntrySchema> {
  constructor(dir: string, steps?: AtomicWriteSteps) {
    super(dir, offsetEntrySchema, steps);
  }
}
