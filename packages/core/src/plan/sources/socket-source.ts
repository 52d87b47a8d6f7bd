import { z } from 'zod';

/**
 * Lines of text read from a TCP server (Spark's `socket` source), for demos and tests: a row per
 * line, `{ value }` (and `timestamp`, when each line arrived, with `includeTimestamp`). Not
 * replayable: lines in flight when a run stops are gone.
 */
export const socketSourceSchema = z.strictObject({
  type: z.literal('socket'),
  /** The server's host. Default: `127.0.0.1`. */
  host: z.string().min(1).default('127.0.0.1'),
  /** The server's port (`nc -lk 9999`: 9999). */
  port: z.number().int().min(1).max(65_535),
  /** Adds `timestamp`, when each line arrived. Default: false. */
  includeTimestamp: z.boolean().default(false),
  /** Lines per micro-batch at most. */
  maxLinesPerTrigger: z.number().int().positive().default(10_000),
});

export type SocketSourceSpec = z.output<typeof socketSourceSchema>;
