import type { IssuePath } from '@pipekit/core';
import type { z } from 'zod';
import { fileFormat } from '../../convert/common.js';
import { missingBrokers, postgresConnection } from '../../convert/connections.js';
import type { Ctx } from '../../convert/context.js';
import type { QueryDraft, Ref, SinkStep } from '../../convert/ir.js';
import { kafkaClient } from '../../convert/kafka-options.js';
import { ownValue } from '../../convert/own.js';
import { vaultRef } from '../../convert/secrets.js';
import {
  etlSinks,
  kafkaConnectionSchema,
  keys,
  postgresConnectionSchema,
  type StreamingConfig,
} from '../etl-schema.js';

type LoadConfig = z.output<(typeof etlSinks)[keyof typeof etlSinks]>;

/** What every kind of load reads besides its own config. */
interface LoadCtx {
  readonly ctx: Ctx;
  readonly at: IssuePath;
  readonly base: Omit<SinkStep, 'sink'>;
  readonly comments: string[];
  readonly sc: StreamingConfig;
}

/** The ETL dialect's `load`: the main sink step. */
export function load(
  ctx: Ctx,
  raw: Record<string, unknown>,
  input: Ref,
  query: QueryDraft,
  sc: StreamingConfig,
): SinkStep {
  const at: IssuePath = ['load'];
  const type = raw.sinkType;
  const schema =
    typeof type === 'string'
      ? ownValue(etlSinks as Readonly<Record<string, z.ZodObject>>, type)
      : undefined;
  if (!schema)
    ctx.fail(
      [...at, 'sinkType'],
      `unknown sinkType ${JSON.stringify(type)}`,
      Object.keys(etlSinks).join(', '),
    );
  const l = ctx.parse(schema, raw, at, keys(schema)) as LoadConfig;
  const comments: string[] = [];
  const base = { kind: 'sink' as const, input, path: at, query, comments };
  if (sc.enableIdempotence === true && l.sinkType !== 'kafka')
    comments.push(
      'enableIdempotence: pipekit sinks are idempotent per batch (exactly once) without a setting.',
    );
  const x: LoadCtx = { ctx, at, base, comments, sc };
  switch (l.sinkType) {
    case 'postgresql':
      return postgres(x, l);
    case 'kafka':
      return kafka(x, l);
    case 's3':
      return files(x, l);
    case 'deltalake':
      return {
        ...base,
        sink: {
          type: 'delta',
          path: l.path,
          ...(l.writeMode ? { mode: l.writeMode } : {}),
          ...(l.partitionBy ? { partitionBy: l.partitionBy } : {}),
          ...(l.mergeSchema === undefined ? {} : { mergeSchema: l.mergeSchema }),
        },
      };
    case 'console':
      return {
        ...base,
        sink: {
          type: 'console',
          ...(l.numRows === undefined ? {} : { numRows: l.numRows }),
          ...(l.truncate === undefined ? {} : { truncate: l.truncate }),
        },
      };
  }
}

/** A Postgres table: append, overwrite, or upsert on the primary key. */
function postgres(x: LoadCtx, l: Extract<LoadConfig, { sinkType: 'postgresql' }>): SinkStep {
  const { ctx, at, base, comments } = x;
  const cp = [...at, 'connectionParams'];
  const c = ctx.parse(
    postgresConnectionSchema,
    l.connectionParams,
    cp,
    keys(postgresConnectionSchema),
  );
  const connection = postgresConnection(
    ctx,
    { ...c, credentialPath: l.credentialPath, credentialId: l.credentialId },
    (k) => (k.startsWith('credential') ? [...at, k] : [...cp, k]),
    `${l.table}_db`,
  );
  if (l.credentialId !== undefined)
    comments.push(
      `credentialId '${l.credentialId}' is kept as a reference to the credential store: its provider resolves it when the pipeline runs.`,
    );
  if (l.writeMode === 'upsert' && (l.primaryKey ?? []).length === 0)
    ctx.fail([...at, 'primaryKey'], 'writeMode upsert needs primaryKey');
  if (l.writeMode !== 'upsert' && l.primaryKey !== undefined)
    ctx.notCarriedOver(
      [...at, 'primaryKey'],
      `primaryKey (used by writeMode upsert only; this load appends or overwrites)`,
    );
  const sink = {
    type: 'postgres' as const,
    connection,
    table: l.table,
    ...(l.writeMode ? { mode: l.writeMode } : {}),
    ...(l.writeMode === 'upsert' ? { key: l.primaryKey } : {}),
  };
  return { ...base, sink };
}

/** A Kafka topic on the load's own brokers and credentials. */
function kafka(x: LoadCtx, l: Extract<LoadConfig, { sinkType: 'kafka' }>): SinkStep {
  const { ctx, at, base, comments, sc } = x;
  const cp = [...at, 'connectionParams'];
  const c = ctx.parse(
    kafkaConnectionSchema.pick({
      'kafka.bootstrap.servers': true,
      'kafka.security.protocol': true,
      'kafka.sasl.mechanism': true,
      'kafka.sasl.jaas.config': true,
    }),
    l.connectionParams,
    cp,
    [
      'kafka.bootstrap.servers',
      'kafka.security.protocol',
      'kafka.sasl.mechanism',
      'kafka.sasl.jaas.config',
    ],
  );
  const client = kafkaClient(ctx, c, cp, l.topic, false);
  let brokers = client.brokers as string[] | undefined;
  if (!brokers) {
    const m = missingBrokers(ctx, [...cp, 'kafka.bootstrap.servers'], `topic '${l.topic}'`);
    brokers = m.brokers;
    comments.push(m.comment);
  }
  const sink = {
    type: 'kafka' as const,
    ...client,
    brokers,
    topic: l.topic,
    ...(sc.enableIdempotence === false ? { idempotent: false } : {}),
    ...(l.credentialPath !== undefined || l.credentialId !== undefined
      ? { credentials: vaultRef((l.credentialPath ?? l.credentialId)!) }
      : {}),
  };
  return { ...base, sink };
}

/** Files in a directory; Parquet when neither the format nor the path's extension says. */
function files(x: LoadCtx, l: Extract<LoadConfig, { sinkType: 's3' }>): SinkStep {
  const { ctx, at, base, comments } = x;
  let format: string;
  if (l.format === undefined && !/\.[a-z]+$/i.test(l.path)) {
    format = 'parquet';
    comments.push("No format: Parquet, Spark's default.");
  } else format = fileFormat(ctx, l.format, l.path, [...at, 'path'], [...at, 'format']);
  return {
    ...base,
    sink: {
      type: 'file',
      path: l.path,
      format,
      ...(l.partitionBy ? { partitionBy: l.partitionBy } : {}),
    },
  };
}
