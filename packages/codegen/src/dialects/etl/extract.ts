import type { IssuePath } from '@pipekit/core';
import type { z } from 'zod';
import { fileFormat, watchedPath } from '../../convert/common.js';
import { missingBrokers, postgresConnection } from '../../convert/connections.js';
import type { Ctx } from '../../convert/context.js';
import { fieldList } from '../../convert/fields.js';
import type { SourceStep } from '../../convert/ir.js';
import { kafkaClient } from '../../convert/kafka-options.js';
import { typeName } from '../../convert/names.js';
import { ownValue } from '../../convert/own.js';
import { vaultRef } from '../../convert/secrets.js';
import { kafkaOffsets } from '../../convert/values.js';
import {
  etlSources,
  kafkaConnectionSchema,
  keys,
  postgresConnectionSchema,
  type StreamingConfig,
} from '../etl-schema.js';

type ExtractConfig = z.output<(typeof etlSources)[keyof typeof etlSources]>;

/** What every kind of extract reads besides its own config. */
interface ExtractCtx {
  readonly ctx: Ctx;
  readonly at: IssuePath;
  readonly base: Pick<SourceStep, 'kind' | 'path' | 'fields' | 'schemaName'>;
  readonly sc: StreamingConfig;
  readonly batch: boolean;
  readonly notFor: (k: 'maxRecordsPerTrigger' | 'maxFilesPerTrigger') => void;
}

/** The ETL dialect's `extract`: one source step, and the Kafka brokers later steps reuse. */
export function extract(
  ctx: Ctx,
  raw: Record<string, unknown>,
  sc: StreamingConfig,
  batch: boolean,
): { step: SourceStep; brokers?: string[] } {
  const at: IssuePath = ['extract'];
  const type = raw.sourceType;
  const schema =
    typeof type === 'string'
      ? ownValue(etlSources as Readonly<Record<string, z.ZodObject>>, type)
      : undefined;
  if (!schema)
    ctx.fail(
      [...at, 'sourceType'],
      `unknown sourceType ${JSON.stringify(type)}`,
      Object.keys(etlSources).join(', '),
    );
  const e = ctx.parse(schema, raw, at, keys(schema)) as ExtractConfig;
  const fields = e.schema ? fieldList(ctx, e.schema.fields, [...at, 'schema', 'fields']) : null;
  const base = {
    kind: 'source' as const,
    path: at,
    fields,
    schemaName: typeName(
      e.schemaName ?? ('topic' in e ? e.topic : 'path' in e ? e.path : (e.table ?? 'row')),
    ),
  };
  const notFor = (k: 'maxRecordsPerTrigger' | 'maxFilesPerTrigger') => {
    const v = sc[k];
    if (v !== undefined)
      ctx.notCarriedOver(
        ['streamingConfigJson', k],
        `${k} ${v} (it has no meaning for a ${e.sourceType} source)`,
      );
  };
  const x: ExtractCtx = { ctx, at, base, sc, batch, notFor };
  switch (e.sourceType) {
    case 'kafka':
      return kafka(x, e);
    case 'postgresql':
      return { step: postgres(x, e) };
    case 's3':
      return { step: files(x, e) };
    case 'deltalake':
      return { step: delta(x, e) };
  }
}

/** A Kafka topic: the client options, the offsets (a batch read goes earliest to latest) and the per-trigger limit. */
function kafka(
  x: ExtractCtx,
  e: Extract<ExtractConfig, { sourceType: 'kafka' }>,
): { step: SourceStep; brokers: string[] } {
  const { ctx, at, base, sc, batch, notFor } = x;
  const comments: string[] = [];
  const cp = [...at, 'connectionParams'];
  const c = ctx.parse(kafkaConnectionSchema, e.connectionParams, cp, keys(kafkaConnectionSchema));
  const client = kafkaClient(ctx, c, cp, e.topic, true);
  let brokers = client.brokers as string[] | undefined;
  if (!brokers) {
    const m = missingBrokers(ctx, [...cp, 'kafka.bootstrap.servers'], `topic '${e.topic}'`);
    brokers = m.brokers;
    comments.push(m.comment);
  }
  const options: Record<string, unknown> = { ...client, brokers, topic: e.topic };
  if (c.startingOffsets !== undefined)
    options.startingOffsets = kafkaOffsets(ctx, c.startingOffsets, [...cp, 'startingOffsets']);
  if (c.endingOffsets !== undefined)
    options.endingOffsets = kafkaOffsets(ctx, c.endingOffsets, [...cp, 'endingOffsets']);
  if (batch) {
    options.startingOffsets ??= 'earliest';
    options.endingOffsets ??= 'latest';
  }
  if (c.failOnDataLoss !== undefined) options.failOnDataLoss = c.failOnDataLoss;
  if (
    c.maxOffsetsPerTrigger !== undefined &&
    sc.maxRecordsPerTrigger !== undefined &&
    c.maxOffsetsPerTrigger !== sc.maxRecordsPerTrigger
  )
    ctx.fail(
      ['streamingConfigJson', 'maxRecordsPerTrigger'],
      `conflicts with extract.connectionParams.maxOffsetsPerTrigger (${c.maxOffsetsPerTrigger})`,
    );
  const max = c.maxOffsetsPerTrigger ?? sc.maxRecordsPerTrigger;
  if (max !== undefined) options.maxOffsetsPerTrigger = max;
  if (e.credentialPath !== undefined || e.credentialId !== undefined)
    options.credentials = vaultRef((e.credentialPath ?? e.credentialId)!);
  notFor('maxFilesPerTrigger');
  return { step: { ...base, type: 'kafka', options, inference: 'records', comments }, brokers };
}

/** A Postgres table or query, read once. */
function postgres(
  x: ExtractCtx,
  e: Extract<ExtractConfig, { sourceType: 'postgresql' }>,
): SourceStep {
  const { ctx, at, base, notFor } = x;
  if ((e.table === undefined) === (e.query === undefined))
    ctx.fail([...at, 'table'], 'give exactly one of table and query');
  const cp = [...at, 'connectionParams'];
  const c = ctx.parse(
    postgresConnectionSchema,
    e.connectionParams,
    cp,
    keys(postgresConnectionSchema),
  );
  const connection = postgresConnection(
    ctx,
    { ...c, credentialPath: e.credentialPath, credentialId: e.credentialId },
    (k) => (k.startsWith('credential') ? [...at, k] : [...cp, k]),
    `${e.table ?? 'source'}_db`,
  );
  notFor('maxRecordsPerTrigger');
  notFor('maxFilesPerTrigger');
  const options = {
    connection,
    ...(e.table === undefined ? { query: e.query } : { table: e.table }),
  };
  return { ...base, type: 'postgres', options, inference: 'whenTyped' };
}

/** Files: a directory watched for new files (a batch read takes what is there). */
function files(x: ExtractCtx, e: Extract<ExtractConfig, { sourceType: 's3' }>): SourceStep {
  const { ctx, at, base, sc, batch, notFor } = x;
  const format = fileFormat(ctx, e.format, e.path, [...at, 'path'], [...at, 'format']);
  notFor('maxRecordsPerTrigger');
  const watched = batch
    ? { path: e.path, comments: [] }
    : watchedPath(ctx, e.path, format, [...at, 'path']);
  const options = {
    path: watched.path,
    format,
    ...(batch ? {} : { watch: true }),
    ...(sc.maxFilesPerTrigger === undefined ? {} : { maxFilesPerTrigger: sc.maxFilesPerTrigger }),
  };
  return {
    ...base,
    type: 'file',
    options,
    inference: format === 'parquet' ? 'whenTyped' : 'records',
    comments: watched.comments,
  };
}

/** A Delta table: a version read once, or a stream from a starting version. */
function delta(x: ExtractCtx, e: Extract<ExtractConfig, { sourceType: 'deltalake' }>): SourceStep {
  const { base, batch, notFor } = x;
  notFor('maxRecordsPerTrigger');
  notFor('maxFilesPerTrigger');
  const options = batch
    ? { path: e.path, ...(e.version === undefined ? {} : { version: e.version }) }
    : {
        path: e.path,
        stream: true,
        ...(e.version === undefined ? {} : { startingVersion: e.version }),
      };
  return { ...base, type: 'delta', options, inference: 'whenTyped' };
}
