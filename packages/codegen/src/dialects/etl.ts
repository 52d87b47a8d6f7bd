import {
  type ExpectationRule,
  type ExprNode,
  type IssuePath,
  type Policy,
  type SinkSpec,
  sinks,
  type Trigger,
} from '@pipekit/core';
import type { z } from 'zod';
import { etlAggregates } from '../convert/aggregates.js';
import { fileFormat } from '../convert/common.js';
import { condition } from '../convert/conditions.js';
import { missingBrokers, postgresConnection } from '../convert/connections.js';
import type { Ctx } from '../convert/context.js';
import { fieldList } from '../convert/fields.js';
import type {
  AggregateStep,
  Flow,
  QueryDraft,
  Ref,
  SinkStep,
  SourceStep,
  Step,
} from '../convert/ir.js';
import { kafkaClient } from '../convert/kafka-options.js';
import { typeName } from '../convert/names.js';
import { vaultRef } from '../convert/secrets.js';
import { duration, kafkaOffsets, stringTrigger } from '../convert/values.js';
import {
  errorHandlingSchema,
  etlFileSchema,
  etlSinks,
  etlSources,
  etlTransformSchema,
  etlTransforms,
  kafkaConnectionSchema,
  postgresConnectionSchema,
  streamingConfigSchema,
  validationSchema,
} from './etl-schema.js';

type StreamingConfig = z.output<typeof streamingConfigSchema>;
const keys = (s: z.ZodObject) => Object.keys(s.shape);

/** The ETL framework dialect as a flow: extract, watermark, transforms, validation, load. */
export function convertEtl(ctx: Ctx, data: unknown): Flow {
  const top = ctx.parse(etlFileSchema, data, [], keys(etlFileSchema));
  const batch = top.mode === 'batch';
  const sc: StreamingConfig =
    top.streamingConfigJson === undefined
      ? {}
      : ctx.parse(
          streamingConfigSchema,
          top.streamingConfigJson,
          ['streamingConfigJson'],
          keys(streamingConfigSchema),
        );
  const scPath = (k: string): IssuePath => ['streamingConfigJson', k];
  const steps: Step[] = [];
  const add = (s: Step): Ref => steps.push(s) - 1;

  const source = extract(ctx, top.extract, sc, batch);
  let current = add(source.step);
  const brokers = source.brokers;
  const columns = source.step.fields?.map((f) => f.name) ?? null;

  if (sc.watermark) {
    const delay = duration(ctx, sc.watermark.delayThreshold, [
      ...scPath('watermark'),
      'delayThreshold',
    ]);
    current = add({
      kind: 'watermark',
      input: current,
      column: sc.watermark.eventTimeColumn,
      delay,
      path: scPath('watermark'),
    });
  }
  const aggregates: number[] = [];
  top.transforms.forEach((raw, i) => {
    const path: IssuePath = ['transforms', i];
    const t = ctx.parse(etlTransformSchema, raw, path, keys(etlTransformSchema));
    const schema = (etlTransforms as Readonly<Record<string, z.ZodObject>>)[t.transformType];
    if (!schema)
      ctx.fail(
        [...path, 'transformType'],
        `unknown transformType '${t.transformType}'`,
        Object.keys(etlTransforms).join(', '),
      );
    const at: IssuePath = [...path, 'parameters'];
    if (t.transformType === 'filter') {
      const p = ctx.parse(etlTransforms.filter, t.parameters, at, keys(etlTransforms.filter));
      current = add({
        kind: 'filter',
        input: current,
        condition: condition(ctx, p.condition, [...at, 'condition']),
        text: p.condition,
        path,
      });
      return;
    }
    const p = ctx.parse(
      etlTransforms.aggregation,
      t.parameters,
      at,
      keys(etlTransforms.aggregation),
    );
    const { items, comments } = etlAggregates(ctx, p.aggregations, columns, [
      ...at,
      'aggregations',
    ]);
    if ((p.windowColumn === undefined) !== (p.windowDuration === undefined))
      ctx.fail(
        [...at, p.windowColumn === undefined ? 'windowDuration' : 'windowColumn'],
        'a window needs both windowColumn and windowDuration',
      );
    if (p.slideDuration !== undefined && p.windowDuration === undefined)
      ctx.fail([...at, 'slideDuration'], 'slideDuration needs windowColumn and windowDuration');
    // No groupByColumns and no window: the whole stream is one group.
    const keysList = p.groupByColumns ?? [];
    let window: AggregateStep['window'];
    if (p.windowColumn !== undefined && p.windowDuration !== undefined) {
      const size = duration(ctx, p.windowDuration, [...at, 'windowDuration']);
      const spec =
        p.slideDuration === undefined
          ? { type: 'tumbling' as const, size }
          : {
              type: 'sliding' as const,
              size,
              slide: duration(ctx, p.slideDuration, [...at, 'slideDuration']),
            };
      window = {
        spec,
        ...(sc.watermark?.eventTimeColumn === p.windowColumn ? {} : { column: p.windowColumn }),
      };
    }
    current = add({
      kind: 'aggregate',
      input: current,
      keys: keysList,
      ...(window ? { window } : {}),
      aggregates: items,
      comments,
      path,
    });
    aggregates.push(current);
  });

  let late: Policy | undefined;
  let separate: { path: string } | undefined;
  if (sc.lateDataConfig) {
    const at = scPath('lateDataConfig');
    const l = sc.lateDataConfig;
    if (l.strategy === 'Drop') late = { type: 'drop' };
    else if (l.strategy === 'LogAndDrop') late = { type: 'log' };
    else if (l.strategy === 'SendToDLQ') {
      if (l.dlqTopic === undefined)
        ctx.fail([...at, 'dlqTopic'], 'strategy SendToDLQ needs dlqTopic');
      late = { type: 'deadLetter', sink: kafkaSink(ctx, brokers, l.dlqTopic, [...at, 'dlqTopic']) };
    } else {
      if (l.separatePath === undefined)
        ctx.fail([...at, 'separatePath'], 'strategy SeparateStream needs separatePath');
      if (aggregates.length === 0)
        ctx.notCarriedOver(
          at,
          'lateDataConfig SeparateStream: there is no aggregation, so no row is ever late',
        );
      else separate = { path: l.separatePath };
    }
  }
  if (sc.stateTimeout !== undefined) {
    const ms = duration(ctx, sc.stateTimeout, scPath('stateTimeout'));
    const last = aggregates[aggregates.length - 1];
    if (last === undefined)
      ctx.notCarriedOver(
        scPath('stateTimeout'),
        `stateTimeout '${sc.stateTimeout}' (no aggregation holds state)`,
      );
    else steps[last] = { ...(steps[last] as AggregateStep), stateTimeout: ms };
  }
  if (separate) {
    const last = aggregates[aggregates.length - 1]!;
    steps[last] = { ...(steps[last] as AggregateStep), late: { type: 'sideOutput' } };
  }

  current = validation(ctx, top.validation, current, add);
  const query = queryOf(ctx, sc, batch);
  const sink = load(ctx, top.load, current, query, sc);
  add(sink);
  if (separate) {
    const last = aggregates[aggregates.length - 1]!;
    const lateRows = add({ kind: 'lateRows', input: last, path: scPath('lateDataConfig') });
    const checkpoint =
      sc.checkpointLocation === undefined
        ? {}
        : { checkpoint: `${sc.checkpointLocation.replace(/\/+$/, '')}-late` };
    add({
      kind: 'sink',
      input: lateRows,
      path: [...scPath('lateDataConfig'), 'separatePath'],
      sink: { type: 'delta', path: separate.path },
      query: { ...checkpoint },
      comments: [
        'Late rows (lateDataConfig SeparateStream) go to their own Delta table, with a checkpoint of their own.',
      ],
    });
  }
  const badRecords = errorHandling(ctx, top.errorHandlingConfig, brokers);
  return {
    name: top.pipelineId,
    dialect: 'etl',
    steps,
    ...(late ? { late } : {}),
    ...(badRecords ? { badRecords } : {}),
  };
}

function kafkaSink(
  ctx: Ctx,
  brokers: string[] | undefined,
  topic: string,
  path: IssuePath,
): SinkSpec {
  const list = brokers ?? missingBrokers(ctx, path, `topic '${topic}'`).brokers;
  return sinks.kafka({ brokers: list, topic });
}

function extract(
  ctx: Ctx,
  raw: Record<string, unknown>,
  sc: StreamingConfig,
  batch: boolean,
): { step: SourceStep; brokers?: string[] } {
  const at: IssuePath = ['extract'];
  const type = raw.sourceType;
  const schema =
    typeof type === 'string'
      ? (etlSources as Readonly<Record<string, z.ZodObject>>)[type]
      : undefined;
  if (!schema)
    ctx.fail(
      [...at, 'sourceType'],
      `unknown sourceType ${JSON.stringify(type)}`,
      Object.keys(etlSources).join(', '),
    );
  const e = ctx.parse(schema, raw, at, keys(schema)) as z.output<
    (typeof etlSources)[keyof typeof etlSources]
  >;
  const fields = e.schema ? fieldList(ctx, e.schema.fields, [...at, 'schema', 'fields']) : null;
  const base = {
    kind: 'source' as const,
    path: at,
    fields,
    schemaName: typeName(
      e.schemaName ?? ('topic' in e ? e.topic : 'path' in e ? e.path : (e.table ?? 'row')),
    ),
  };
  const comments: string[] = [];
  const maxRecords = sc.maxRecordsPerTrigger;
  const maxFiles = sc.maxFilesPerTrigger;
  const notFor = (k: 'maxRecordsPerTrigger' | 'maxFilesPerTrigger', v: number | undefined) => {
    if (v !== undefined)
      ctx.notCarriedOver(
        ['streamingConfigJson', k],
        `${k} ${v} (it has no meaning for a ${e.sourceType} source)`,
      );
  };
  switch (e.sourceType) {
    case 'kafka': {
      const cp = [...at, 'connectionParams'];
      const c = ctx.parse(
        kafkaConnectionSchema,
        e.connectionParams,
        cp,
        keys(kafkaConnectionSchema),
      );
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
        maxRecords !== undefined &&
        c.maxOffsetsPerTrigger !== maxRecords
      )
        ctx.fail(
          ['streamingConfigJson', 'maxRecordsPerTrigger'],
          `conflicts with extract.connectionParams.maxOffsetsPerTrigger (${c.maxOffsetsPerTrigger})`,
        );
      const max = c.maxOffsetsPerTrigger ?? maxRecords;
      if (max !== undefined) options.maxOffsetsPerTrigger = max;
      if (e.credentialPath !== undefined || e.credentialId !== undefined)
        options.credentials = vaultRef((e.credentialPath ?? e.credentialId)!);
      notFor('maxFilesPerTrigger', maxFiles);
      return { step: { ...base, type: 'kafka', options, inference: 'records', comments }, brokers };
    }
    case 'postgresql': {
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
      notFor('maxRecordsPerTrigger', maxRecords);
      notFor('maxFilesPerTrigger', maxFiles);
      const options = {
        connection,
        ...(e.table === undefined ? { query: e.query } : { table: e.table }),
      };
      return { step: { ...base, type: 'postgres', options, inference: 'whenTyped' } };
    }
    case 's3': {
      const format = fileFormat(ctx, e.format, e.path, [...at, 'path'], [...at, 'format']);
      notFor('maxRecordsPerTrigger', maxRecords);
      const options = {
        path: e.path,
        format,
        ...(batch ? {} : { watch: true }),
        ...(maxFiles === undefined ? {} : { maxFilesPerTrigger: maxFiles }),
      };
      return {
        step: {
          ...base,
          type: 'file',
          options,
          inference: format === 'parquet' ? 'whenTyped' : 'records',
        },
      };
    }
    case 'deltalake': {
      notFor('maxRecordsPerTrigger', maxRecords);
      notFor('maxFilesPerTrigger', maxFiles);
      const options = batch
        ? { path: e.path, ...(e.version === undefined ? {} : { version: e.version }) }
        : {
            path: e.path,
            stream: true,
            ...(e.version === undefined ? {} : { startingVersion: e.version }),
          };
      return { step: { ...base, type: 'delta', options, inference: 'whenTyped' } };
    }
  }
}

function queryOf(ctx: Ctx, sc: StreamingConfig, batch: boolean): QueryDraft {
  let trigger: Trigger | undefined;
  if (sc.triggerMode !== undefined)
    trigger = stringTrigger(ctx, sc.triggerMode, ['streamingConfigJson', 'triggerMode']);
  if (batch && trigger === undefined) trigger = undefined;
  return {
    ...(trigger ? { trigger } : {}),
    ...(sc.outputMode === undefined ? {} : { outputMode: sc.outputMode }),
    ...(sc.checkpointLocation === undefined ? {} : { checkpoint: sc.checkpointLocation }),
    ...(sc.queryName === undefined ? {} : { queryName: sc.queryName }),
  };
}

function load(
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
      ? (etlSinks as Readonly<Record<string, z.ZodObject>>)[type]
      : undefined;
  if (!schema)
    ctx.fail(
      [...at, 'sinkType'],
      `unknown sinkType ${JSON.stringify(type)}`,
      Object.keys(etlSinks).join(', '),
    );
  const l = ctx.parse(schema, raw, at, keys(schema)) as z.output<
    (typeof etlSinks)[keyof typeof etlSinks]
  >;
  const comments: string[] = [];
  const base = { kind: 'sink' as const, input, path: at, query, comments };
  if (sc.enableIdempotence === true && l.sinkType !== 'kafka')
    comments.push(
      'enableIdempotence: pipekit sinks are idempotent per batch (exactly once) without a setting.',
    );
  switch (l.sinkType) {
    case 'postgresql': {
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
    case 'kafka': {
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
    case 's3': {
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

/**
 * Validation rules as expectations (one per rule and column). The block's `onFailure` applies to
 * rules of severity `error` (the default): `abort` stops the query (`fail`), `continue` drops the
 * failing rows (`drop`), `warn` keeps and counts them (`warn`). Rules of severity `warning` or
 * `info` never stop or drop anything in the old framework: they only warn.
 */
function validation(ctx: Ctx, raw: unknown, input: Ref, add: (s: Step) => Ref): Ref {
  if (raw === undefined) return input;
  const at: IssuePath = ['validation'];
  const v = ctx.parse(validationSchema, raw, at, keys(validationSchema));
  if (!v.enabled || v.rules.length === 0) return input;
  const mode = { abort: 'fail', continue: 'drop', warn: 'warn' } as const;
  const col = (c: string): ExprNode => ({ kind: 'column', name: c });
  const lit = (n: number): ExprNode => ({ kind: 'literal', value: n });
  const rules: ExpectationRule[] = [];
  v.rules.forEach((r, i) => {
    const onFailure = {
      type: r.severity === 'warning' || r.severity === 'info' ? 'warn' : mode[v.onFailure],
    } as const;
    const min = r.parameters?.min;
    const max = r.parameters?.max;
    if (r.ruleType === 'Range' && min === undefined && max === undefined)
      ctx.fail(
        [...at, 'rules', i, 'parameters'],
        'a Range rule needs parameters.min or parameters.max',
      );
    for (const c of r.columns) {
      const base = r.ruleName ?? `${r.ruleType} ${c}`;
      const name = r.ruleName !== undefined && r.columns.length > 1 ? `${base} (${c})` : base;
      const predicate: ExprNode =
        r.ruleType === 'NotNull'
          ? { kind: 'isNull', operand: col(c), negated: true }
          : min !== undefined && max !== undefined
            ? { kind: 'between', operand: col(c), low: lit(min), high: lit(max), negated: false }
            : min !== undefined
              ? { kind: 'binary', op: '>=', left: col(c), right: lit(min) }
              : { kind: 'binary', op: '<=', left: col(c), right: lit(max ?? 0) };
      rules.push({ name, check: { type: 'predicate', predicate }, onFailure });
    }
  });
  const soft = v.rules.filter((r) => r.severity === 'warning' || r.severity === 'info');
  return add({
    kind: 'expect',
    input,
    rules,
    path: at,
    comments: [
      `Validation (onFailure: ${v.onFailure}): a failing row ${v.onFailure === 'abort' ? 'stops the query' : v.onFailure === 'continue' ? 'is dropped' : 'is kept, counted and logged'}${soft.length > 0 ? `; rules of severity warning or info (${soft.map((r) => `'${r.ruleName ?? r.ruleType}'`).join(', ')}) only warn` : ''}.`,
    ],
  });
}

function errorHandling(ctx: Ctx, raw: unknown, brokers: string[] | undefined): Policy | undefined {
  if (raw === undefined) return undefined;
  const at: IssuePath = ['errorHandlingConfig'];
  const e = ctx.parse(errorHandlingSchema, raw, at, keys(errorHandlingSchema));
  if (e.retryStrategy)
    ctx.notCarriedOver(
      [...at, 'retryStrategy'],
      'retryStrategy (pipekit restarts a failed query from its checkpoint; it has no retry settings)',
    );
  if (e.circuitBreaker && e.circuitBreaker.enabled !== false)
    ctx.notCarriedOver(
      [...at, 'circuitBreaker'],
      'circuitBreaker (every pipekit sink has a circuit breaker; its settings belong to the run, RunOptions.sinkCircuit, not to the pipeline)',
    );
  let policy: Policy | undefined;
  const dlq = e.deadLetterQueue;
  if (dlq) {
    const p = [...at, 'deadLetterQueue'];
    if (dlq.type === 'kafka') {
      if (dlq.topic === undefined) ctx.fail([...p, 'topic'], 'a kafka deadLetterQueue needs topic');
      policy = { type: 'deadLetter', sink: kafkaSink(ctx, brokers, dlq.topic, [...p, 'topic']) };
    } else {
      if (dlq.path === undefined)
        ctx.fail([...p, 'path'], `a ${dlq.type} deadLetterQueue needs path`);
      policy = {
        type: 'deadLetter',
        sink:
          dlq.type === 'deltalake'
            ? sinks.delta({ path: dlq.path })
            : sinks.file({ path: dlq.path, format: 'jsonl' }),
      };
    }
  }
  if (e.failFast === true) {
    if (policy)
      ctx.notCarriedOver(
        [...at, 'failFast'],
        'failFast true (bad records go to the deadLetterQueue instead of stopping the pipeline)',
      );
    else policy = { type: 'fail' };
  }
  return policy;
}
