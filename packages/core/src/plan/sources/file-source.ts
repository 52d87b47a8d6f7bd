import { z } from 'zod';

export const fileFormats = ['jsonl', 'csv', 'parquet'] as const;

export const fileSourceSchema = z.strictObject({
  type: z.literal('file'),
  /** A file, a glob, or (with `watch`) a directory. */
  path: z.string().min(1),
  format: z.enum(fileFormats),
  /** Stream: watch the directory and read new files as they appear. */
  watch: z.boolean().default(false),
  maxFilesPerTrigger: z.number().int().positive().optional(),
  /** CSV only. */
  header: z.boolean().default(true),
  delimiter: z.string().length(1).default(','),
});

export type FileSourceSpec = z.output<typeof fileSourceSchema>;
export type FileSourceOptions = Omit<z.input<typeof fileSourceSchema>, 'type'>;
