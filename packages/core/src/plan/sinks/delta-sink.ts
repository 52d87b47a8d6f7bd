import { z } from 'zod';

export const deltaSinkSchema = z.strictObject({
  type: z.literal('delta'),
  path: z.string().min(1),
  mode: z.enum(['append', 'overwrite']).default('append'),
  partitionBy: z.array(z.string().min(1)).default([]),
  /** Add new nullable columns to the table's schema instead of failing. */
  mergeSchema: z.boolean().default(false),
  targetFileSize: z.number().int().positive().optional(),
  /** Write a log checkpoint every N commits (Delta's default is 100). */
  checkpointInterval: z.number().int().positive().optional(),
  /** Table properties at creation, e.g. `{ 'delta.enableChangeDataFeed': 'true' }`. */
  properties: z.record(z.string(), z.string()).optional(),
});
export type DeltaSinkSpec = z.output<typeof deltaSinkSchema>;
