import { z } from 'zod';
import { type DurationInput, durationSchema } from '../duration/duration.js';
import { parseOrThrow } from '../errors/zod-issues.js';

const tumblingSchema = z.strictObject({ type: z.literal('tumbling'), size: durationSchema });
const slidingSchema = z.strictObject({
  type: z.literal('sliding'),
  size: durationSchema,
  slide: durationSchema,
});
const sessionSchema = z.strictObject({ type: z.literal('session'), gap: durationSchema });

function slideWithinSize(w: { type: string; size?: number; slide?: number }, ctx: z.RefinementCtx) {
  if (w.type === 'sliding' && w.slide !== undefined && w.size !== undefined && w.slide > w.size)
    ctx.addIssue({
      code: 'custom',
      path: ['slide'],
      message: 'slide must not be longer than size',
    });
}

/** Window sizes are milliseconds in a plan. */
export const windowSpecSchema = z
  .discriminatedUnion('type', [tumblingSchema, slidingSchema, sessionSchema])
  .superRefine(slideWithinSize);

export type WindowSpec = z.output<typeof windowSpecSchema>;

/** A window in an aggregate node: the spec and the event-time column it is over. */
export const windowOnColumnSchema = z
  .discriminatedUnion('type', [
    tumblingSchema.extend({ column: z.string().min(1) }),
    slidingSchema.extend({ column: z.string().min(1) }),
    sessionSchema.extend({ column: z.string().min(1) }),
  ])
  .superRefine(slideWithinSize);

/**
 * Fixed, non-overlapping windows of `size` (a duration string or milliseconds):
 * `.window(tumbling('10 minutes'))`.
 */
export function tumbling(size: DurationInput): WindowSpec {
  return Object.freeze(
    parseOrThrow(windowSpecSchema, { type: 'tumbling', size }, 'tumbling(...)', 'is not valid'),
  );
}

/**
 * Overlapping (hopping) windows of `size` that start every `slide` (at most `size`):
 * `.window(sliding('10 minutes', '5 minutes'))`.
 */
export function sliding(size: DurationInput, slide: DurationInput): WindowSpec {
  return Object.freeze(
    parseOrThrow(
      windowSpecSchema,
      { type: 'sliding', size, slide },
      'sliding(...)',
      'is not valid',
    ),
  );
}

/**
 * A window per key that stays open while events keep arriving less than `gap` apart:
 * `.window(session('30 minutes'))`.
 */
export function session(gap: DurationInput): WindowSpec {
  return Object.freeze(
    parseOrThrow(windowSpecSchema, { type: 'session', gap }, 'session(...)', 'is not valid'),
  );
}
