import { z } from 'zod';
import type { AtomicWriteSteps } from './atomic-write.js';
import { BatchLog } from './batch-log.js';
import { checkpointVersion } from './layout.js';

/**
 * `commits/<batchId>`: every sink of the query has the batch and its state snapshots are written.
 * A batch in the offset log without a commit is replayed on restart.
 */
export const commitEntrySchema = z.strictObject({
  version: z.literal(checkpointVersion),
  batchId: z.int().nonnegative(),
  /** The sink node ids that have the batch. */
  sinks: z.array(z.string()),
});
export type CommitEntry = z.output<typeof commitEntrySchema>;

export class CommitLog extends BatchLog<typeof commitEntrySchema> {
  constructor(dir: string, steps?: AtomicWriteSteps) {
    super(dir, commitEntrySchema, steps);
  }
}
