import { z } from 'zod';
import { delaySchema, durationSchema } from '../../duration/duration.js';
import { policySchema } from '../policy.js';
import { windowOnColumnSchema } from '../window-spec.js';
import { nodeBase, singleInput } from './node-base.js';

/** Event time: watermark = max event time seen − delay, advanced between batches. */
export const watermarkNodeSchema = z.strictObject({
  ...singleInput,
  kind: z.literal('watermark'),
  column: z.string().min(1),
  /** Zero is allowed, as in Spark: only rows older than the newest seen are late. */
  delay: delaySchema,
  /** An input idle this long stops holding the watermark back. */
  idleTimeout: durationSchema.optional(),
});
export type WatermarkNode = z.output<typeof watermarkNodeSchema>;

/** Drops rows whose key columns were seen before (within the watermark on streams). */
export const dedupeNodeSchema = z.strictObject({
  ...singleInput,
  kind: z.literal('dedupe'),
  columns: z.array(z.string().min(1)).min(1),
  late: policySchema.optional(),
});
export type DedupeNode = z.output<typeof dedupeNodeSchema>;

/** The aggregate functions a plan's aggregate node can hold. */
export const aggregateFns = [
  'count',
  'countDistinct',
  'sum',
  'avg',
  'min',
  'max',
  'first',
  'last',
] as const;
export type AggregateFn = (typeof aggregateFns)[number];

export const aggregateSpecSchema = z
  .strictObject({
    name: z.string().min(1),
    fn: z.enum(aggregateFns),
    /** Absent only for `count` (count of rows). */
    column: z.string().min(1).optional(),
  })
  .refine((a) => a.fn === 'count' || a.column !== undefined, {
    path: ['column'],
    message: 'needs a column',
  });
export type AggregateSpec = z.output<typeof aggregateSpecSchema>;

/**
 * Group by keys (and a window over an event-time column) and aggregate. Output columns:
 * `window_start`, `window_end` (when windowed), the keys, then the aggregates.
 */
export const aggregateNodeSchema = z.strictObject({
  ...singleInput,
  kind: z.literal('aggregate'),
  keys: z.array(z.string().min(1)),
  window: windowOnColumnSchema.optional(),
  aggregates: z.array(aggregateSpecSchema).min(1),
  late: policySchema.optional(),
  /** Unwindowed group state not updated for this long is dropped. */
  stateTimeout: durationSchema.optional(),
});
export type AggregateNode = z.output<typeof aggregateNodeSchema>;

/** The join types a plan's join node can hold. */
export const joinTypes = ['inner', 'left', 'right', 'full'] as const;
export type JoinType = (typeof joinTypes)[number];

/**
 * Equi-join on key columns. `within` bounds a stream–stream join in event time (state cleaned by
 * the watermark); `lookup` marks the right side as static (loaded once, or every `refresh`).
 */
export const joinNodeSchema = z.strictObject({
  ...nodeBase,
  kind: z.literal('join'),
  left: z.string().min(1),
  right: z.string().min(1),
  joinType: z.enum(joinTypes),
  on: z
    .strictObject({
      left: z.array(z.string().min(1)).min(1),
      right: z.array(z.string().min(1)).min(1),
    })
    .refine((o) => o.left.length === o.right.length, {
      message: 'left and right need as many key columns',
    }),
  within: delaySchema.optional(),
  lookup: z.strictObject({ refresh: durationSchema.optional() }).optional(),
});
export type JoinNode = z.output<typeof joinNodeSchema>;

/** The late rows (or bad records) of another node, as a stream of their own. */
export const sideOutputNodeSchema = z.strictObject({
  ...nodeBase,
  kind: z.literal('sideOutput'),
  of: z.string().min(1),
  output: z.enum(['late', 'badRecords']),
});
export type SideOutputNode = z.output<typeof sideOutputNodeSchema>;
