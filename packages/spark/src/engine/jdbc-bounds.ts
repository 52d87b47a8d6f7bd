import type { Plan, PostgresSourceSpec } from '@pipekit/core';
import { relation } from '../lower/messages.js';
import type { SecretResolver } from '../lower/secrets.js';
import { jdbcConnection } from '../lower/sources/postgres.js';
import type { SparkSession } from '../session/spark-session.js';

const needsBounds = (s: PostgresSourceSpec) =>
  s.partitionColumn !== undefined &&
  (s.numPartitions ?? 1) > 1 &&
  (s.lowerBound === undefined || s.upperBound === undefined);

/**
 * Spark's JDBC source splits a read into ranges only with both bounds given; the local runtime
 * finds them itself. So where a plan leaves them out, they are read first (min and max of the
 * partition column, through the same JDBC connection) and written into the plan Spark gets.
 */
export async function withJdbcBounds(
  plan: Plan,
  session: SparkSession,
  secrets: SecretResolver,
): Promise<Plan> {
  const nodes = await Promise.all(
    plan.nodes.map(async (n, i) => {
      if (n.kind !== 'source' || n.source.type !== 'postgres' || !needsBounds(n.source)) return n;
      const s = n.source;
      const column = `"${s.partitionColumn!.replace(/"/g, '""')}"`;
      const from = s.table ?? `(${s.query}) AS pipekit_bounds`;
      const [row] = await session.collect(
        relation('read', {
          isStreaming: false,
          readType: {
            case: 'dataSource',
            value: {
              format: 'jdbc',
              options: {
                ...jdbcConnection(s.connection, secrets, `nodes.${i}.source.connection`),
                query: `SELECT min(${column}) AS lo, max(${column}) AS hi FROM ${from}`,
              },
            },
          },
        }),
      );
      const bound = (v: unknown) =>
        v instanceof Date ? v.toISOString() : typeof v === 'number' ? v : String(v);
      if (!row || row.lo === null || row.hi === null) return n; // an empty table: one range
      return { ...n, source: { ...s, lowerBound: bound(row.lo), upperBound: bound(row.hi) } };
    }),
  );
  return { ...plan, nodes };
}
