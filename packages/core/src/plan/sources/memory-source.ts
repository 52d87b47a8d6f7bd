import { z } from 'zod';

/** Rows given inline; timestamps are ISO strings in the plan and Dates again when run. */
export const memorySourceSchema = z.strictObject({
  type: z.literal('memory'),
  rows: z.array(z.record(z.string(), z.unknown())).default([]),
  /** Rows per micro-batch; all at once when absent. */
  batchSize: z.number().int().positive().optional(),
});

export type MemorySourceSpec = z.output<typeof memorySourceSchema>;
