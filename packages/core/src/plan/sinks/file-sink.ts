import { z } from 'zod';
import {
  s3OptionsNeedS3Path,
  s3OptionsNeedS3PathIssue,
  s3OptionsSchema,
} from '../object-storage.js';
import { fileFormats } from '../sources/file-source.js';

export const fileSinkSchema = z
  .strictObject({
    type: z.literal('file'),
    /** A directory: each batch writes new part files into it. */
    path: z.string().min(1),
    /** `'jsonl'`, `'csv'` or `'parquet'`. */
    format: z.enum(fileFormats),
    /** Columns whose values split the output into `column=value` directories. Default: none. */
    partitionBy: z.array(z.string().min(1)).default([]),
    /** For `s3://` / `s3a://` paths: endpoint, region, credentials (secret references). */
    s3: s3OptionsSchema.optional(),
  })
  .refine(s3OptionsNeedS3Path, s3OptionsNeedS3PathIssue);
export type FileSinkSpec = z.output<typeof fileSinkSchema>;
