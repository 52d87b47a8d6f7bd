import { z } from 'zod';
import { postgresConnectionSchema } from '../sources/postgres-connection.js';

export const postgresSinkSchema = z
  .strictObject({
    type: z.literal('postgres'),
    /** Where the server is: `{ url: 'postgres://host/db', user, password: secret('PG_PASSWORD') }`. */
    connection: postgresConnectionSchema,
    /** The table written to, `schema.table` allowed. */
    table: z.string().min(1),
    /** A schema-qualified table may also be written `schema.table`; `schema` wins when given. */
    schema: z.string().min(1).optional(),
    /** `'append'` (default) inserts; `'upsert'` updates rows with the same `key`; `'overwrite'` replaces the rows. */
    mode: z.enum(['append', 'upsert', 'overwrite']).default('append'),
    /** Key columns for upsert. */
    key: z.array(z.string().min(1)).optional(),
    /** Create the table from the stream's columns when it does not exist. Default: `false`. */
    createTable: z.boolean().default(false),
  })
  .refine((o) => o.mode !== 'upsert' || (o.key !== undefined && o.key.length > 0), {
    path: ['key'],
    message: 'upsert needs key columns',
  });
export type PostgresSinkSpec = z.output<typeof postgresSinkSchema>;
