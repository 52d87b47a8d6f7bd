import { z } from 'zod';
import {
  s3OptionsNeedS3Path,
  s3OptionsNeedS3PathIssue,
  s3OptionsSchema,
} from '../object-storage.js';

export const deltaSinkSchema = z
  .strictObject({
    type: z.literal('delta'),
    /** The table's location: a directory, `file://` or `s3://` URL (created when absent). */
    path: z.string().min(1),
    /** `'append'` (default) adds each batch; `'overwrite'` replaces the table's rows with each batch. */
    mode: z.enum(['append', 'overwrite']).default('append'),
    /** Columns whose values split the table into directories (Hive style). Default: none. */
    partitionBy: z.array(z.string().min(1)).default([]),
    /** Add new nullable columns to the table's schema instead of failing. */
    mergeSchema: z.boolean().default(false),
    /** Bytes per data file the writer aims at (default: the table's `delta.targetFileSize`). */
    targetFileSize: z.number().int().positive().optional(),
    /** Write a log checkpoint after each commit whose version is a multiple of N (Delta's default: 100). */
    checkpointInterval: z.number().int().positive().optional(),
    /** Table properties at creation, e.g. `{ 'delta.enableChangeDataFeed': 'true' }`. */
    properties: z.record(z.string(), z.string()).optional(),
    /** For `s3://` / `s3a://` paths: endpoint, region, credentials (secret references). */
    s3: s3OptionsSchema.optional(),
  })
  .refine(s3OptionsNeedS3Path, s3OptionsNeedS3PathIssue);
export type DeltaSinkSpec = z.output<typeof deltaSinkSchema>;
