import { z } from 'zod';
import { durationSchema } from '../../duration/duration.js';

/**
 * How one generated column is made. Plain data, so a generated source is part of the plan and
 * the same seed gives the same rows on every run.
 */
export const generatedColumnSchema = z.discriminatedUnion('kind', [
  /** 0, 1, 2, ... */
  z.strictObject({ kind: z.literal('sequence') }),
  /** `prefix` + an id drawn from `cardinality` keys: `user-17`. */
  z.strictObject({
    kind: z.literal('key'),
    prefix: z.string().default(''),
    cardinality: z.number().int().positive(),
  }),
  z.strictObject({
    kind: z.literal('uniform'),
    min: z.number(),
    max: z.number(),
    integer: z.boolean().default(false),
  }),
  z.strictObject({
    kind: z.literal('choice'),
    values: z.array(z.string()).min(1),
    weights: z.array(z.number().nonnegative()).optional(),
  }),
  z.strictObject({
    kind: z.literal('boolean'),
    probability: z.number().min(0).max(1).default(0.5),
  }),
  /**
   * Event time: starts at `start` (ISO) and advances by 1000/rowsPerSecond ms a row; `outOfOrderShare`
   * of the rows are moved back by up to `maxDelay`.
   */
  z.strictObject({
    kind: z.literal('eventTime'),
    start: z.string().datetime({ offset: true }).default('2026-01-01T00:00:00.000Z'),
    outOfOrderShare: z.number().min(0).max(1).default(0),
    maxDelay: durationSchema.default(1000),
  }),
]);

export type GeneratedColumn = z.output<typeof generatedColumnSchema>;
export type GeneratedColumnInput = z.input<typeof generatedColumnSchema>;

export const generateSourceSchema = z.strictObject({
  type: z.literal('generate'),
  /** The random seed: the same seed gives the same rows. Default: 42. */
  seed: z.number().int().default(42),
  /** Rows per second of event time and of wall time; unthrottled when absent. */
  rowsPerSecond: z.number().positive().optional(),
  /** Stop after this many rows; unbounded when absent. */
  limit: z.number().int().positive().optional(),
  /** Rows per micro-batch. */
  batchSize: z.number().int().positive().default(10_000),
  /** Columns; Spark's rate source shape `{ timestamp, value }` when absent. */
  columns: z.record(z.string(), generatedColumnSchema).default({
    timestamp: {
      kind: 'eventTime',
      start: '2026-01-01T00:00:00.000Z',
      outOfOrderShare: 0,
      maxDelay: 1000,
    },
    value: { kind: 'sequence' },
  }),
});

export type GenerateSourceSpec = z.output<typeof generateSourceSchema>;
