import { z } from 'zod';
import { durationSchema } from '../../duration/duration.js';
import { postgresConnectionSchema } from './postgres-connection.js';

export const postgresSourceSchema = z
  .strictObject({
    type: z.literal('postgres'),
    /** Where the server is: `{ url: 'postgres://host/db', user, password: secret('PG_PASSWORD') }`. */
    connection: postgresConnectionSchema,
    /** The table to read, `schema.table` allowed (give exactly one of table, query). */
    table: z.string().min(1).optional(),
    /** A query whose rows to read: `query: 'SELECT * FROM orders WHERE status = 1'`. */
    query: z.string().min(1).optional(),
    /** Rows fetched per round trip (a cursor). Default: 10,000. */
    fetchSize: z.number().int().positive().default(10_000),
    /** Parallel reads split on a numeric or time column range, as Spark's JDBC source. */
    partitionColumn: z.string().min(1).optional(),
    /** The low end of `partitionColumn`'s range for splitting reads (rows below go to the first part). */
    lowerBound: z.union([z.number(), z.string()]).optional(),
    /** The high end of `partitionColumn`'s range for splitting reads (rows above go to the last part). */
    upperBound: z.union([z.number(), z.string()]).optional(),
    /** How many parallel reads to split into (needs `partitionColumn`). Default: 1. */
    numPartitions: z.number().int().positive().optional(),
    /** Streaming: poll new rows by an increasing column; the high-water mark lives in the checkpoint. */
    incremental: z
      .strictObject({
        /** The increasing column (an id or a time) new rows are found by. */
        column: z.string().min(1),
        /** How often to look for new rows: a duration. Default: 10 seconds. */
        pollInterval: durationSchema.default(10_000),
      })
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
