import type { KafkaSourceSpec, Schema } from '@pipekit/core';
import { formatSqlIdentifier, formatSqlString } from '@pipekit/core';
import {
  aliased,
  type ExpressionInit,
  type RelationInit,
  relation,
  sqlExpression,
} from '../messages.js';
import { sparkSchemaJson } from '../schema-json.js';
import type { SecretResolver } from '../secrets.js';
import { kafkaSecurityOptions } from './kafka-security.js';

const metadataColumns: Readonly<Record<string, string>> = {
  key: 'CAST(key AS STRING)',
  headers: 'headers',
  topic: 'topic',
  partition: 'partition',
  offset: 'offset',
  timestamp: 'timestamp',
};

function offsets(o: KafkaSourceSpec['startingOffsets']): string {
  return typeof o === 'string' ? o : JSON.stringify(o);
}

/**
 * Spark's Kafka source, then the record parsed as the local runtime parses it: JSON values into
 * the schema's columns (`from_json`), a string value as `value`, metadata columns by name, the
 * record timestamp as `timestampColumn`.
 */
export function kafkaRelation(
  spec: KafkaSourceSpec,
  schema: Schema | null,
  streaming: boolean,
  secrets: SecretResolver,
  path: string,
): RelationInit {
  const options: Record<string, string> = {
    'kafka.bootstrap.servers': spec.brokers.join(','),
    startingOffsets: offsets(spec.startingOffsets),
    failOnDataLoss: String(spec.failOnDataLoss),
    ...kafkaSecurityOptions(spec, secrets, path),
  };
  if (spec.topic !== undefined) options.subscribe = spec.topic;
  if (spec.topics !== undefined) options.subscribe = spec.topics.join(',');
  if (spec.topicPattern !== undefined) options.subscribePattern = spec.topicPattern;
  if (spec.endingOffsets !== undefined) options.endingOffsets = offsets(spec.endingOffsets);
  if (spec.maxOffsetsPerTrigger !== undefined)
    options.maxOffsetsPerTrigger = String(spec.maxOffsetsPerTrigger);
  if (spec.groupId !== undefined) options['kafka.group.id'] = spec.groupId;
  const read = relation('read', {
    isStreaming: streaming,
    readType: { case: 'dataSource', value: { format: 'kafka', options } },
  });
  const columns: ExpressionInit[] = [];
  const fields = schema?.fields ?? [];
  const metadata = new Set(spec.includeColumns ?? []);
  const valueFields = fields.filter(
    (f) => !metadata.has(f.name as never) && f.name !== spec.timestampColumn,
  );
  if (spec.format === 'json') {
    const parsed = `from_json(CAST(value AS STRING), ${formatSqlString(sparkSchemaJson({ fields: valueFields }))})`;
    columns.push(aliased(sqlExpression(parsed), '__value'));
  } else if (spec.format === 'string') {
    columns.push(aliased(sqlExpression('CAST(value AS STRING)'), 'value'));
  } else {
    columns.push(aliased(sqlExpression('value'), 'value'));
  }
  for (const m of spec.includeColumns ?? [])
    columns.push(aliased(sqlExpression(metadataColumns[m]!), m));
  if (spec.timestampColumn !== undefined)
    columns.push(aliased(sqlExpression('timestamp'), spec.timestampColumn));
  const projected = relation('project', { input: read, expressions: columns });
  if (spec.format !== 'json') return projected;
  // The schema's order: parsed value columns and metadata columns where the schema puts them.
  const order = fields.map((f) =>
    valueFields.includes(f)
      ? aliased(sqlExpression(`__value.${formatSqlIdentifier(f.name)}`), f.name)
      : aliased(sqlExpression(formatSqlIdentifier(f.name)), f.name),
  );
  return relation('project', { input: projected, expressions: order });
}
