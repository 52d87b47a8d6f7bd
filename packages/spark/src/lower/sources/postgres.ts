import {
  formatSqlIdentifier,
  formatSqlType,
  type PostgresConnection,
  type PostgresSourceSpec,
  postgresEndpoint,
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
  const e = postgresEndpoint(c, secrets, path);
  const options: Record<string, string> = {
    url: `jdbc:postgresql://${e.host}:${e.port}/${encodeURIComponent(e.database ?? '')}${e.ssl ? '?ssl=true' : ''}`,
    driver: 'org.postgresql.Driver',
  };
  if (e.user !== undefined) options.user = e.user;
  if (e.password !== undefined) options.password = e.password;
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
