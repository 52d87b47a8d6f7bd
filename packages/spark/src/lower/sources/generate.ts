import type { GenerateSourceSpec } from '@pipekit/core';
import { aliased, type RelationInit, relation, sqlExpression } from '../messages.js';
import { generatedColumnSql, rowHashSql } from './generate-sql.js';

/**
 * A generated source on Spark with the same rows as the local runtime: row numbers from `range`
 * (bounded: `limit` rows) or from Spark's rate sources (unbounded: `rate` at `rowsPerSecond`, else
 * `rate-micro-batch` with `batchSize` rows a batch), then each column computed from the row number
 * by the runtime's hash, in SQL. Needs the session functions of `generatorFunctions`.
 */
export function generateRelation(spec: GenerateSourceSpec): RelationInit {
  const rows =
    spec.limit !== undefined
      ? relation('range', { start: 0n, end: BigInt(spec.limit), step: 1n })
      : relation('read', {
          isStreaming: true,
          readType: {
            case: 'dataSource',
            value:
              spec.rowsPerSecond !== undefined
                ? { format: 'rate', options: { rowsPerSecond: String(spec.rowsPerSecond) } }
                : {
                    format: 'rate-micro-batch',
                    options: { rowsPerBatch: String(spec.batchSize) },
                  },
          },
        });
  const rowColumn = spec.limit !== undefined ? 'id' : 'value';
  const hashed = relation('project', {
    input: rows,
    expressions: [
      aliased(sqlExpression(rowColumn), '__row'),
      aliased(sqlExpression(rowHashSql(spec.seed, rowColumn)), '__h'),
    ],
  });
  const msPerRow = spec.rowsPerSecond ? 1000 / spec.rowsPerSecond : 1;
  return relation('project', {
    input: hashed,
    expressions: Object.entries(spec.columns).map(([name, c], i) =>
      aliased(sqlExpression(generatedColumnSql(c, i, msPerRow, '__row', '__h')), name),
    ),
  });
}
