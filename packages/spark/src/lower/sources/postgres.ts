import {
  formatSqlIdentifier,
  formatSqlType,
  PipekitError,
  type PostgresConnection,
  type PostgresSourceSpec,
  type Schema,
} from '@pipekit/core';
import { aliased, type RelationInit, relation, sqlExpression } from '../messages.js';
import type { SecretResolver } from '../secrets.js';

/** A JDBC URL and the options that carry the user and password (never the URL). */
export function jdbcConnection(
  c: PostgresConnection,
  secrets: SecretResolver,
  path: string,
): Record<string, string> {
  if (c.credentials !== undefined)
    throw new PipekitError('a Postgres connection cannot be made', [
      {
        path: [...path.split('.'), 'credentials'],
        message:
          'a credential set at a secret path needs a secret provider, which pipekit does not have yet',
        fix: "give url or host, user and password: secret('NAME')",
      },
    ]);
  const url = c.url === undefined ? undefined : new URL(c.url);
  const host = c.host ?? (url?.hostname ? decodeURIComponent(url.hostname) : 'localhost');
  const port = c.port ?? (url?.port ? Number(url.port) : 5432);
  const database =
    c.database ?? (url && url.pathname.length > 1 ? decodeURIComponent(url.pathname.slice(1)) : '');
  const user =
    c.user === undefined
      ? url?.username
        ? decodeURIComponent(url.username)
        : undefined
      : typeof c.user === 'string'
        ? c.user
        : secrets(c.user, `${path}.user`);
  const options: Record<string, string> = {
    url: `jdbc:postgresql://${host}:${port}/${encodeURIComponent(database)}${c.ssl ? '?ssl=true' : ''}`,
    driver: 'org.postgresql.Driver',
  };
  if (user !== undefined) options.user = user;
  if (c.password !== undefined) options.password = secrets(c.password, `${path}.password`);
  return options;
}

/**
 * Spark's JDBC source: a table or a query, read in parallel ranges of `partitionColumn` as the
 * local runtime does. Columns are selected by the plan's schema, in its order.
 */
export function postgresRelation(
  spec: PostgresSourceSpec,
  schema: Schema | null,
  secrets: SecretResolver,
  path: string,
): RelationInit {
  const options: Record<string, string> = {
    ...jdbcConnection(spec.connection, secrets, `${path}.connection`),
    fetchsize: String(spec.fetchSize),
  };
  if (spec.table !== undefined) options.dbtable = spec.table;
  if (spec.query !== undefined) options.query = spec.query;
  if (spec.partitionColumn !== undefined && (spec.numPartitions ?? 1) > 1) {
    options.partitionColumn = spec.partitionColumn;
    options.numPartitions = String(spec.numPartitions);
    if (spec.lowerBound !== undefined) options.lowerBound = String(spec.lowerBound);
    if (spec.upperBound !== undefined) options.upperBound = String(spec.upperBound);
  }
  const read = relation('read', {
    isStreaming: false,
    readType: { case: 'dataSource', value: { format: 'jdbc', options } },
  });
  if (!schema) return read;
  // JDBC gives the table's types; the plan's schema says what the pipeline reads them as.
  return relation('project', {
    input: read,
    expressions: schema.fields.map((f) =>
      aliased(
        sqlExpression(`CAST(${formatSqlIdentifier(f.name)} AS ${formatSqlType(f.type)})`),
        f.name,
      ),
    ),
  });
}
