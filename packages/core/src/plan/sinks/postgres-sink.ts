import { z } from 'zod';
import { postgresConnectionSchema } from '../sources/postgres-connection.js';

export const postgresSinkSchema = z
  .strictObject({
    type: z.literal('postgres'),
    connection: postgresConnectionSchema,
    table: z.string().min(1),
    /** A schema-qualified table may also be written `schema.table`; `schema` wins when given. */
    schema: z.string().min(1).optional(),
    mode: z.enum(['append', 'upsert', 'overwrite']).default('append'),
    /** Key columns for upsert. */
    key: z.array(z.string().min(1)).optional(),
    createTable: z.boolean().default(false),
  })
  .refine((o) => o.mode !== 'upsert' || (o.key !== undefined && o.key.length > 0), {
    path: ['key'],
    message: 'upsert needs key columns',
  });
export type PostgresSinkSpec = z.output<typeof postgresSinkSchema>;
