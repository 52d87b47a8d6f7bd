import { secret } from '@pipekit/core';
import { UsageError } from '../errors.js';

export interface SchemaOptions {
  readonly table: string | undefined;
  readonly url: string | undefined;
  /** The environment variable holding the password (never the password itself). */
  readonly passwordEnv: string | undefined;
}

interface PostgresPackage {
  describeTable(
    connection: { url: string; password?: ReturnType<typeof secret> },
    table: string,
  ): Promise<string>;
}

/**
 * `pipe schema postgres --table customers`: prints the zod schema of a table, to paste into a
 * pipeline instead of typing the columns. The connection comes from `--url` or `PIPEKIT_PG_URL` /
 * `DATABASE_URL`; the password from the variable named by `--password-env` (default `PGPASSWORD`).
 */
export async function schemaCommand(
  system: string,
  options: SchemaOptions,
  io: { stdout: NodeJS.WritableStream },
): Promise<number> {
  if (system !== 'postgres')
    throw new UsageError(
      `'pipe schema' knows postgres, not '${system}': pipe schema postgres --table <name>`,
    );
  if (!options.table)
    throw new UsageError("'pipe schema postgres' needs --table <name> (or schema.table)");
  const url = options.url ?? process.env.PIPEKIT_PG_URL ?? process.env.DATABASE_URL;
  if (!url)
    throw new UsageError(
      "'pipe schema postgres' needs --url postgres://user@host:port/db (or PIPEKIT_PG_URL)",
    );
  let pg: PostgresPackage;
  try {
    // A connector package, loaded only when this command runs (as `pipe run` loads connectors).
    const pkg = '@pipekit/postgres';
    pg = (await import(pkg)) as PostgresPackage;
  } catch {
    throw new UsageError(
      'pipe schema postgres needs @pipekit/postgres: npm install @pipekit/postgres',
    );
  }
  const passwordEnv = options.passwordEnv ?? 'PGPASSWORD';
  const connection =
    process.env[passwordEnv] === undefined ? { url } : { url, password: secret(passwordEnv) };
  io.stdout.write(await pg.describeTable(connection, options.table));
  return 0;
}
