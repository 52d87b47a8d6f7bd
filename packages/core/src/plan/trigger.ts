import { z } from 'zod';
import { type DurationInput, durationSchema } from '../duration/duration.js';
import { parseOrThrow } from '../errors/zod-issues.js';

/** When a sink's query runs a micro-batch; Spark's triggers. */
export const triggerSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('processingTime'),
    /** Milliseconds between micro-batches. */
    interval: durationSchema,
  }),
  z.strictObject({ type: z.literal('once') }),
  z.strictObject({ type: z.literal('availableNow') }),
  z.strictObject({
    type: z.literal('continuous'),
    /** Milliseconds between commits of progress. */
    checkpointInterval: durationSchema.optional(),
  }),
]);

export type Trigger = z.output<typeof triggerSchema>;

/** A micro-batch every interval (a duration string or milliseconds): `trigger: every('5 seconds')`. */
export function every(interval: DurationInput): Trigger {
  return Object.freeze(
    parseOrThrow(triggerSchema, { type: 'processingTime', interval }, 'every(...)', 'is not valid'),
  );
}

/** One batch of everything available, then stop. */
export function once(): Trigger {
  return Object.freeze({ type: 'once' });
}

/** Everything available now, in several batches (respecting per-trigger limits), then stop. */
export function availableNow(): Trigger {
  return Object.freeze({ type: 'availableNow' });
}

/**
 * Lowest latency: small batches as soon as data arrives; the default trigger of streams.
 * `checkpointInterval` (a duration) says how often progress is committed.
 */
export function continuous(checkpointInterval?: DurationInput): Trigger {
  return Object.freeze(
    parseOrThrow(
      triggerSchema,
      checkpointInterval === undefined
        ? { type: 'continuous' }
        : { type: 'continuous', checkpointInterval },
      'continuous(...)',
      'is not valid',
    ),
  );
}

/** The output modes a sink's query can have. */
export const outputModes = ['append', 'update', 'complete'] as const;
export type OutputMode = (typeof outputModes)[number];
