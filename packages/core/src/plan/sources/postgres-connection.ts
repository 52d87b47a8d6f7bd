import { z } from 'zod';
import { secretRefSchema } from '../secret.js';

/**
 * Where a Postgres server is. The password is only ever a secret reference; a URL must not carry one.
 */
export const postgresConnectionSchema = z
  .strictObject({
    /** `postgres://host:5432/db` (no password in it: use `password`). */
    url: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// URL')
      .refine((u) => !/^postgres(ql)?:\/\/[^/@]*:[^/@]*@/.test(u), {
        message: 'the URL holds a password; put it in password: secret(...)',
      })
      .optional(),
    /** The server's host name, when no `url` is given. */
    host: z.string().min(1).optional(),
    /** The server's port. Default: 5432. */
    port: z.number().int().positive().optional(),
    /** The database name. */
    database: z.string().min(1).optional(),
    /** The user name, or a secret reference to it. */
    user: z.union([z.string(), secretRefSchema]).optional(),
    /** The password: only ever a secret reference, `secret('PG_PASSWORD')`. */
    password: secretRefSchema.optional(),
    /** A Vault-style path that holds the whole credential set (legacy `credentialPath`). */
    credentials: secretRefSchema.optional(),
    /** Connect over TLS. Default: `false`. */
    ssl: z.boolean().optional(),
  })
  .refine((c) => c.url !== undefined || c.host !== undefined || c.credentials !== undefined, {
    message: 'give url, host or credentials',
  });

export type PostgresConnection = z.output<typeof postgresConnectionSchema>;
