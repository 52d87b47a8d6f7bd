import { z } from 'zod';
import { durationSchema } from '../../duration/duration.js';
import { postgresConnectionSchema } from './postgres-connection.js';

export const postgresSourceSchema = z
  .strictObject({
    type: z.literal('postgres'),
    connection: postgresConnectionSchema,
    table: z.string().min(1).optional(),
    query: z.string().min(1).optional(),
    fetchSize: z.number().int().positive().default(10_000),
    /** Parallel reads split on a numeric or time column range, as Spark's JDBC source. */
    partitionColumn: z.string().min(1).optional(),
    lowerBound: z.union([z.number(), z.string()]).optional(),
    upperBound: z.union([z.number(), z.string()]).optional(),
    numPartitions: z.number().int().positive().optional(),
    /** Streaming: poll new rows by an increasing column; the high-water mark lives in the checkpoint. */
    incremental: z
      .strictObject({ column: z.string().min(1), pollInterval: durationSchema.default(10_000) })
      .optional(),
    /** Keep the rows in memory after the first read (legacy `cache`). */
    cache: z.boolean().optional(),
  })
  .superRefine((o, ctx) => {
    if ((o.table === undefined) === (o.query === undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['table'],
        message: 'give exactly one of table, query',
      });
    if (o.numPartitions !== undefined && o.numPartitions > 1 && o.partitionColumn === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['partitionColumn'],
        message: 'numPartitions needs partitionColumn',
      });
  });

export type PostgresSourceSpec = z.output<typeof postgresSourceSchema>;
export type PostgresSourceOptions = Omit<z.input<typeof postgresSourceSchema>, 'type'>;
