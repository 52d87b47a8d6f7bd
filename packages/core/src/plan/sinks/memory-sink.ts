import { z } from 'zod';

/** Rows kept in memory under `name`, for tests and the REPL (Spark's memory sink). */
export const memorySinkSchema = z.strictObject({
  type: z.literal('memory'),
  /** The name the rows are kept under (a test reads them by it). */
  name: z.string().min(1),
});
export type MemorySinkSpec = z.output<typeof memorySinkSchema>;
