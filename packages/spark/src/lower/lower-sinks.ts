import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  formatSqlIdentifier,
  formatSqlString,
  type KafkaSinkSpec,
  type PlanFacts,
  type SinkNode,
  type Trigger,
} from '@pipekit/core';
import {
  aliased,
  type CommandInit,
  type ExpressionInit,
  interval,
  type RelationInit,
  relation,
  sqlExpression,
} from './messages.js';
import type { SecretResolver } from './secrets.js';
import { serverPath } from './sources/file.js';
import { kafkaSecurityOptions } from './sources/kafka-security.js';
import { jdbcConnection } from './sources/postgres.js';

const q = formatSqlIdentifier;

/**
 * Rows as the local Kafka sink writes them: the value the row (or `valueColumns`) as JSON with
 * nulls kept and timestamps as ISO text in UTC, the key and headers from columns as text.
 */
function kafkaRecords(
  spec: KafkaSinkSpec,
  input: RelationInit,
  columns: readonly string[],
): RelationInit {
  const valueColumns = spec.valueColumns ?? columns;
  const json = `to_json(struct(${valueColumns.map(q).join(', ')}), map('ignoreNullFields', 'false', 'timestampFormat', 'yyyy-MM-dd''T''HH:mm:ss.SSS''Z'''))`;
  const expressions: ExpressionInit[] = [aliased(sqlExpression(json), 'value')];
  if (spec.key !== undefined)
    expressions.push(aliased(sqlExpression(`CAST(${q(spec.key)} AS STRING)`), 'key'));
  if (spec.headers && spec.headers.length > 0)
    expressions.push(
      aliased(
        sqlExpression(
          `array(${spec.headers
            .map(
              (h) =>
                `named_struct('key', ${formatSqlString(h)}, 'value', CAST(CAST(${q(h)} AS STRING) AS BINARY))`,
            )
            .join(', ')})`,
        ),
        'headers',
      ),
    );
  return relation('project', { input, expressions });
}

/** Spark's format and options for a sink; `path` for the sinks that write files. */
function sinkTarget(
  n: SinkNode,
  input: RelationInit,
  columns: readonly string[],
  secrets: SecretResolver,
  path: string,
): {
  input: RelationInit;
  format: string;
  options: Record<string, string>;
  path?: string;
  partitionBy: readonly string[];
} {
  const s = n.sink;
  switch (s.type) {
    case 'delta': {
      const options: Record<string, string> = {};
      if (s.mergeSchema) options.mergeSchema = 'true';
      for (const [k, v] of Object.entries(s.properties ?? {})) options[k] = v;
      if (s.checkpointInterval !== undefined)
        options['delta.checkpointInterval'] = String(s.checkpointInterval);
      return {
        input,
        format: 'delta',
        options,
        path: serverPath(s.path),
        partitionBy: s.partitionBy,
      };
    }
    case 'file':
      return {
        input,
        format: s.format === 'jsonl' ? 'json' : s.format,
        options: s.format === 'csv' ? { header: 'true' } : {},
        path: serverPath(s.path),
        partitionBy: s.partitionBy,
      };
    case 'kafka':
      return {
        input: kafkaRecords(s, input, columns),
        format: 'kafka',
        options: {
          'kafka.bootstrap.servers': s.brokers.join(','),
          topic: s.topic,
          ...(s.compression === 'gzip' ? { 'kafka.compression.type': 'gzip' } : {}),
          ...(s.idempotent ? { 'kafka.enable.idempotence': 'true', 'kafka.acks': 'all' } : {}),
          ...kafkaSecurityOptions(s, secrets, `${path}.sink`),
        },
        partitionBy: [],
      };
    case 'console':
      return {
        input,
        format: 'console',
        options: { numRows: String(s.numRows), truncate: String(s.truncate) },
        partitionBy: [],
      };
    case 'memory':
      return { input, format: 'memory', options: {}, partitionBy: [] };
    case 'postgres': {
      const table = s.schema === undefined ? s.table : `${s.schema}.${s.table}`;
      return {
        input,
        format: 'jdbc',
        options: {
          ...jdbcConnection(s.connection, secrets, `${path}.sink.connection`),
          dbtable: table,
          ...(s.mode === 'overwrite' ? { truncate: 'true' } : {}),
        },
        partitionBy: [],
      };
    }
  }
}

function triggerOf(
  t: Trigger,
): NonNullable<
  Extract<CommandInit['commandType'], { case: 'writeStreamOperationStart' }>['value']
>['trigger'] {
  switch (t.type) {
    case 'processingTime':
      return { case: 'processingTimeInterval', value: interval(t.interval) };
    case 'once':
      return { case: 'once', value: true };
    case 'availableNow':
      return { case: 'availableNow', value: true };
    case 'continuous':
      return {
        case: 'continuousCheckpointInterval',
        value: interval(t.checkpointInterval ?? 1000),
      };
  }
}

/** What runs for one sink: a streaming query, or a batch write (a bounded input). */
export type SinkJob =
  | {
      readonly kind: 'stream';
      readonly sink: SinkNode;
      readonly queryName: string;
      readonly command: CommandInit;
    }
  | { readonly kind: 'write'; readonly sink: SinkNode; readonly command: CommandInit }
  | { readonly kind: 'collect'; readonly sink: SinkNode; readonly relation: RelationInit };

/**
 * The Spark job of a sink. Spark runs one streaming query per sink, so sinks that share steps are
 * separate queries; each keeps its own checkpoint (`<checkpoint>/<sink id>` when several sinks of
 * the plan name one directory). A sink with no checkpoint gets a fresh temporary one, as Spark's
 * memory and console sinks do.
 */
export function sinkJob(
  n: SinkNode,
  input: RelationInit,
  facts: PlanFacts,
  secrets: SecretResolver,
  checkpoint: string | undefined,
  queryName: string,
): SinkJob {
  const at = facts.get(n.id)!;
  const columns = facts.get(n.input)?.schema?.fields.map((f) => f.name) ?? [];
  const target = sinkTarget(n, input, columns, secrets, `nodes.${at.index}`);
  if (!at.bounded) {
    const location = checkpoint ?? join(tmpdir(), 'pipekit-spark', randomUUID());
    return {
      kind: 'stream',
      sink: n,
      queryName,
      command: {
        commandType: {
          case: 'writeStreamOperationStart',
          value: {
            input: target.input,
            format: target.format,
            options: { ...target.options, checkpointLocation: serverPath(location) },
            partitioningColumnNames: [...target.partitionBy],
            trigger: triggerOf(n.trigger),
            outputMode: n.outputMode,
            queryName: n.sink.type === 'memory' ? n.sink.name : queryName,
            ...(target.path === undefined
              ? {}
              : { sinkDestination: { case: 'path', value: target.path } }),
          },
        },
      },
    };
  }
  if (n.sink.type === 'memory' || n.sink.type === 'console')
    return { kind: 'collect', sink: n, relation: target.input };
  const overwrite =
    (n.sink.type === 'delta' && n.sink.mode === 'overwrite') ||
    (n.sink.type === 'postgres' && n.sink.mode === 'overwrite') ||
    n.outputMode === 'complete';
  return {
    kind: 'write',
    sink: n,
    command: {
      commandType: {
        case: 'writeOperation',
        value: {
          input: target.input,
          source: target.format,
          options: target.options,
          partitioningColumns: [...target.partitionBy],
          mode: overwrite ? 2 : 1, // SAVE_MODE_OVERWRITE : SAVE_MODE_APPEND
          ...(target.path === undefined ? {} : { saveType: { case: 'path', value: target.path } }),
        },
      },
    },
  };
}
