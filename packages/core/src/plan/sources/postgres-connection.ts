import { z } from 'zod';
import { secretRefSchema } from '../secret.js';

/**
 * Where a Postgres server is. The password is only ever a secret reference; a URL must not carry one.
 */
export const postgresConnectionSchema = z
  .strictObject({
    url: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// URL')
      .refine((u) => !/^postgres(ql)?:\/\/[^/@]*:[^/@]*@/.test(u), {
        message: 'the URL holds a password; put it in password: secret(...)',
      })
      .optional(),
    host: z.string().min(1).optional(),
    port: z.number().int().positive().optional(),
    database: z.string().min(1).optional(),
    user: z.union([z.string(), secretRefSchema]).optional(),
    password: secretRefSchema.optional(),
    /** A Vault-style path that holds the whole credential set (legacy `credentialPath`). */
    credentials: secretRefSchema.optional(),
    ssl: z.boolean().optional(),
  })
  .refine((c) => c.url !== undefined || c.host !== undefined || c.credentials !== undefined, {
    message: 'give url, host or credentials',
  });

export type PostgresConnection = z.output<typeof postgresConnectionSchema>;
