import type { GenerateSourceSpec } from '@pipekit/core';
import { alias, aliased, type RelationInit, relation, sqlExpression } from '../messages.js';
import {
  columnHashStages,
  generatedColumnSql,
  rowHashStages,
  type Stage,
  together,
} from './generate-sql.js';

/**
 * A generated source on Spark with the same rows as the local runtime: row numbers from `range`
 * (bounded: `limit` rows) or from Spark's rate sources (unbounded: `rate` at `rowsPerSecond`, else
 * `rate-micro-batch` with `batchSize` rows a batch), then each column computed from the row number
 * by the runtime's hash, in SQL.
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
  const numbered = relation('project', {
    input: rows,
    expressions: [aliased(sqlExpression(spec.limit !== undefined ? 'id' : 'value'), '__row')],
  });
  const columns = Object.entries(spec.columns);
  const stages: Stage[] = [
    ...rowHashStages(spec.seed, '__row', '__h'),
    ...together(columns.flatMap(([, c], i) => columnHashStages(c, i, '__h'))),
  ];
  const hashed = stages.reduce(
    (input, stage) =>
      relation('withColumns', {
        input,
        aliases: stage.map(([name, sql]) => alias(sqlExpression(sql), name)),
      }),
    numbered,
  );
  const msPerRow = spec.rowsPerSecond ? 1000 / spec.rowsPerSecond : 1;
  return relation('project', {
    input: hashed,
    expressions: columns.map(([name, c], i) =>
      aliased(sqlExpression(generatedColumnSql(c, i, msPerRow, '__row')), name),
    ),
  });
}
