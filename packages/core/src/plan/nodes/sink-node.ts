import { z } from 'zod';
import { sinkSpecSchema } from '../sinks/sink-spec.js';
import { outputModes, triggerSchema } from '../trigger.js';
import { singleInput } from './node-base.js';

/** A query: where rows go, when batches run, and where progress is kept. */
export const sinkNodeSchema = z.strictObject({
  ...singleInput,
  kind: z.literal('sink'),
  sink: sinkSpecSchema,
  trigger: triggerSchema,
  outputMode: z.enum(outputModes),
  /** A directory for offsets, commits and state, as Spark's `checkpointLocation`. */
  checkpoint: z.string().min(1).optional(),
  queryName: z.string().min(1).optional(),
});
export type SinkNode = z.output<typeof sinkNodeSchema>;
