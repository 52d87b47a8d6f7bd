import { z } from 'zod';
import {
  s3OptionsNeedS3Path,
  s3OptionsNeedS3PathIssue,
  s3OptionsSchema,
} from '../object-storage.js';

export const fileFormats = ['jsonl', 'csv', 'parquet'] as const;

export const fileSourceSchema = z
  .strictObject({
    type: z.literal('file'),
    /** A file, a glob, or (with `watch`) a directory. */
    path: z.string().min(1),
    /** `'jsonl'`, `'csv'` or `'parquet'`. */
    format: z.enum(fileFormats),
    /** Stream: watch the directory and read new files as they appear. */
    watch: z.boolean().default(false),
    /** With `watch`: at most this many new files per micro-batch. Default: no limit. */
    maxFilesPerTrigger: z.number().int().positive().optional(),
    /** CSV only: the first line holds the column names. Default: `true`. */
    header: z.boolean().default(true),
    /** CSV only: the character between fields. Default: `','`. */
    delimiter: z.string().length(1).default(','),
    /** For `s3://` / `s3a://` paths: endpoint, region, credentials (secret references). */
    s3: s3OptionsSchema.optional(),
  })
  .refine(s3OptionsNeedS3Path, s3OptionsNeedS3PathIssue);

export type FileSourceSpec = z.output<typeof fileSourceSchema>;
export type FileSourceOptions = Omit<z.input<typeof fileSourceSchema>, 'type'>;
