import { z } from 'zod';

export const consoleSinkSchema = z.strictObject({
  type: z.literal('console'),
  /** Rows printed per batch. Default: 20. */
  numRows: z.number().int().positive().default(20),
  /** Cut cell text longer than 20 characters, as Spark's console sink. */
  truncate: z.boolean().default(true),
});
export type ConsoleSinkSpec = z.output<typeof consoleSinkSchema>;
