import { z } from 'zod';
import { type DurationInput, durationSchema } from '../duration/duration.js';

/** When a sink's query runs a micro-batch; Spark's triggers. */
export const triggerSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('processingTime'), interval: durationSchema }),
  z.strictObject({ type: z.literal('once') }),
  z.strictObject({ type: z.literal('availableNow') }),
  z.strictObject({ type: z.literal('continuous'), checkpointInterval: durationSchema.optional() }),
]);

export type Trigger = z.output<typeof triggerSchema>;

/** A micro-batch every interval: `every('5 seconds')`. */
export function every(interval: DurationInput): Trigger {
  return Object.freeze(triggerSchema.parse({ type: 'processingTime', interval }));
}

/** One batch of everything available, then stop. */
export function once(): Trigger {
  return Object.freeze({ type: 'once' });
}

/** Everything available now, in several batches (respecting per-trigger limits), then stop. */
export function availableNow(): Trigger {
  return Object.freeze({ type: 'availableNow' });
}

/** Lowest latency: small batches as soon as data arrives. */
export function continuous(checkpointInterval?: DurationInput): Trigger {
  return Object.freeze(
    triggerSchema.parse(
      checkpointInterval === undefined
        ? { type: 'continuous' }
        : { type: 'continuous', checkpointInterval },
    ),
  );
}

export const outputModes = ['append', 'update', 'complete'] as const;
export type OutputMode = (typeof outputModes)[number];
