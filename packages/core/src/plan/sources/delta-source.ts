import { z } from 'zod';
import {
  s3OptionsNeedS3Path,
  s3OptionsNeedS3PathIssue,
  s3OptionsSchema,
} from '../object-storage.js';

export const deltaSourceSchema = z
  .strictObject({
    type: z.literal('delta'),
    /** The table's location: a directory, `file://` or `s3://` URL: `path: './data/orders'`. */
    path: z.string().min(1),
    /** Time travel: read this version (batch). */
    version: z.number().int().nonnegative().optional(),
    /** Time travel: the version current at this ISO-8601 time (batch). */
    timestamp: z.string().datetime({ offset: true }).optional(),
    /** Tail the log: every new commit is a micro-batch. */
    stream: z.boolean().default(false),
    /** Streaming: start from this version's commit instead of the table's current state. */
    startingVersion: z.number().int().nonnegative().optional(),
    /** Stop after this version (the query is bounded). Default: none. */
    endingVersion: z.number().int().nonnegative().optional(),
    /** Read the change data feed: rows carry `_change_type`, `_commit_version`, `_commit_timestamp`. */
    readChangeFeed: z.boolean().default(false),
    /** For `s3://` / `s3a://` paths: endpoint, region, credentials (secret references). */
    s3: s3OptionsSchema.optional(),
  })
  .refine(s3OptionsNeedS3Path, s3OptionsNeedS3PathIssue)
  .refine((o) => !(o.version !== undefined && o.timestamp !== undefined), {
    path: ['version'],
    message: 'give version or timestamp, not both',
  });

export type DeltaSourceSpec = z.output<typeof deltaSourceSchema>;
export type DeltaSourceOptions = Omit<z.input<typeof deltaSourceSchema>, 'type'>;
