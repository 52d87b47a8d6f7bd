/**
 * @pipekit/postgres: PostgreSQL source and sink on `pg`.
 *
 * - Source: a table or query read once with a streamed `COPY (SELECT ...) TO STDOUT`
 *   (optionally in parallel ranges of `partitionColumn`), or, with `incremental`, polled for new
 *   rows by an increasing column whose high-water mark is the checkpointed offset.
 * - Sink: append (COPY), upsert (`ON CONFLICT DO UPDATE`) or overwrite (TRUNCATE + COPY), each
 *   batch in one transaction with its batch id in `pipekit_commits`: exactly once.
 *
 * @example
 * import { ConnectorRegistry } from '@pipekit/runtime';
 * import { registerConnectors } from '@pipekit/postgres';
 * const registry = new ConnectorRegistry();
 * registerConnectors(registry); // plans may now use source.postgres / sink.postgres
 */
import { envSecrets, type PostgresSourceSpec, type SecretResolver } from '@pipekit/core';
import type { ConnectorRegistry, SourceContext, SourceReader } from '@pipekit/runtime';
import { resolveConnection } from './connection.js';
import { PostgresIncrementalReader } from './incremental.js';
import { PostgresWriter } from './sink.js';
import { PostgresBatchReader } from './source.js';

export { PostgresConnectionError, resolveConnection } from './connection.js';
export { describeTable, zodSource } from './describe.js';
export { quoteIdent } from './identifiers.js';
export { type IncrementalOffset, PostgresIncrementalReader } from './incremental.js';
export { createTableSql, PostgresWriter } from './sink.js';
export { type BatchOffset, PostgresBatchReader } from './source.js';

/** A reader for a postgres source spec: incremental (a stream) or a one-time read (a batch). */
export async function openPostgresSource(
  spec: PostgresSourceSpec,
  ctx: SourceContext,
  secrets: SecretResolver = ctx.secrets ?? envSecrets,
): Promise<SourceReader> {
  const conn = resolveConnection(spec.connection, secrets);
  return spec.incremental
    ? new PostgresIncrementalReader(spec, ctx, conn)
    : PostgresBatchReader.open(spec, ctx, conn);
}

/**
 * Registers the `postgres` source and sink. Secrets are read by `options.secrets`, else by the
 * runtime's resolver (env, file, vault, registered providers), else from the environment.
 */
export function registerConnectors(
  registry: ConnectorRegistry,
  options: { readonly secrets?: SecretResolver } = {},
): void {
  registry
    .registerSource('postgres', (spec, ctx) =>
      openPostgresSource(spec, ctx, options.secrets ?? ctx.secrets ?? envSecrets),
    )
    .registerSink(
      'postgres',
      (spec, ctx) =>
        new PostgresWriter(
          spec,
          ctx,
          resolveConnection(spec.connection, options.secrets ?? ctx.secrets ?? envSecrets),
        ),
    );
}
