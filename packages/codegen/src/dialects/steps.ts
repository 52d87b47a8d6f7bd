import type { IssuePath, JoinType } from '@pipekit/core';
import type { z } from 'zod';
import { sqlAggregate } from '../convert/aggregates.js';
import { fileFormat, stepQuery, watchedPath } from '../convert/common.js';
import { condition } from '../convert/conditions.js';
import { brokerList, missingBrokers, postgresConnection } from '../convert/connections.js';
import type { Ctx } from '../convert/context.js';
import type { Flow, Ref, SinkStep, SourceStep, Step } from '../convert/ir.js';
import { typeName } from '../convert/names.js';
import { ownValue } from '../convert/own.js';
import { vaultRef } from '../convert/secrets.js';
import { kafkaOffsets } from '../convert/values.js';
import { type StepType, stepMethods, stepSchema, stepsFileSchema } from './steps-schema.js';

type Config<T extends StepType, M extends keyof (typeof stepMethods)[T]> = z.output<
  (typeof stepMethods)[T][M] & z.ZodType
>;

const joinTypes: Readonly<Record<string, JoinType>> = {
  inner: 'inner',
  left: 'left',
  left_outer: 'left',
  right: 'right',
  right_outer: 'right',
  full: 'full',
  outer: 'full',
  full_outer: 'full',
};

/** The step-list dialect as a flow: each step reads the previous one's output, or a `registerAs` name. */
export function convertSteps(ctx: Ctx, data: unknown): Flow {
  const top = ctx.parse(stepsFileSchema, data, [], Object.keys(stepsFileSchema.shape));
  const batch = top.mode === 'batch';
  const steps: Step[] = [];
  const named = new Map<string, Ref>();
  let current: Ref | undefined;
  const add = (s: Step): Ref => {
    steps.push(s);
    const ref = steps.length - 1;
    if (s.name !== undefined) named.set(s.name, ref);
    return ref;
  };
  const input = (path: IssuePath): Ref => {
    if (current === undefined)
      ctx.fail(path, 'this step has no input: no extract step comes before it');
    return current;
  };
  const lookup = (name: string, path: IssuePath): Ref => {
    const ref = named.get(name);
    if (ref === undefined)
      ctx.fail(
        path,
        `unknown DataFrame '${name}'`,
        named.size > 0
          ? `names registered before this step: ${[...named.keys()].join(', ')}`
          : 'no registerAs before this step',
      );
    return ref;
  };

  top.steps.forEach((raw, i) => {
    const path: IssuePath = ['steps', i];
    const st = ctx.parse(stepSchema, raw, path, Object.keys(stepSchema.shape));
    const methods: Readonly<Record<string, z.ZodObject>> = stepMethods[st.type];
    const schema = ownValue(methods, st.method);
    if (!schema)
      ctx.fail(
        [...path, 'method'],
        `unknown ${st.type} method '${st.method}'`,
        Object.keys(methods).join(', '),
      );
    const at: IssuePath = [...path, 'config'];
    const cfg = ctx.parse(schema, st.config, at, Object.keys(schema.shape)) as Record<
      string,
      unknown
    >;
    const name = cfg.registerAs as string | undefined;
    const base = { path, ...(name === undefined ? {} : { name }) };
    switch (`${st.type}.${st.method}`) {
      case 'extract.fromKafka':
        current = add(kafkaSource(ctx, cfg as Config<'extract', 'fromKafka'>, at, base, batch));
        return;
      case 'extract.fromPostgres':
        current = add(postgresSource(ctx, cfg as Config<'extract', 'fromPostgres'>, at, base));
        return;
      case 'extract.fromS3': {
        const c = cfg as Config<'extract', 'fromS3'>;
        const format = fileFormat(ctx, c.format, c.path, [...at, 'path'], [...at, 'format']);
        const watched = batch
          ? { path: c.path, comments: [] }
          : watchedPath(ctx, c.path, format, [...at, 'path']);
        current = add({
          ...base,
          kind: 'source',
          type: 'file',
          options: { path: watched.path, format, ...(batch ? {} : { watch: true }) },
          comments: watched.comments,
          fields: null,
          inference: format === 'parquet' ? 'whenTyped' : 'records',
          schemaName: typeName(name ?? c.path),
        });
        return;
      }
      case 'extract.fromDeltaLake': {
        const c = cfg as Config<'extract', 'fromDeltaLake'>;
        const comments: string[] = [];
        const options: Record<string, unknown> = { path: c.path };
        if (batch) {
          if (c.version !== undefined) options.version = c.version;
        } else {
          options.stream = true;
          if (c.version !== undefined) {
            options.startingVersion = c.version;
            comments.push(
              `A stream cannot read one version: version ${c.version} is where the stream starts.`,
            );
            ctx.check(
              [...at, 'version'],
              `version ${c.version} of a streaming read becomes startingVersion`,
            );
          }
        }
        current = add({
          ...base,
          kind: 'source',
          type: 'delta',
          options,
          fields: null,
          inference: 'whenTyped',
          schemaName: typeName(name ?? c.path),
          comments,
        });
        return;
      }
      case 'transform.filterRows': {
        const c = cfg as Config<'transform', 'filterRows'>;
        current = add({
          ...base,
          kind: 'filter',
          input: input(path),
          condition: condition(ctx, c.condition, [...at, 'condition']),
          text: c.condition,
        });
        return;
      }
      case 'transform.joinDataFrames': {
        const c = cfg as Config<'transform', 'joinDataFrames'>;
        const right = c.rightKeys ?? c.leftKeys;
        if (right.length !== c.leftKeys.length)
          ctx.fail(
            [...at, 'rightKeys'],
            `leftKeys has ${c.leftKeys.length} columns and rightKeys ${right.length}; they must pair up`,
          );
        current = add({
          ...base,
          kind: 'join',
          left: lookup(c.inputDataFrames[0], [...at, 'inputDataFrames', 0]),
          right: lookup(c.inputDataFrames[1], [...at, 'inputDataFrames', 1]),
          joinType: ownValue(joinTypes, c.joinType) ?? 'inner',
          on: { left: c.leftKeys, right },
        });
        return;
      }
      case 'transform.aggregateData': {
        const c = cfg as Config<'transform', 'aggregateData'>;
        const aggregates = Object.entries(c.aggregations).map(([out, text]) =>
          sqlAggregate(ctx, out, text, [...at, 'aggregations', out]),
        );
        current = add({
          ...base,
          kind: 'aggregate',
          input: input(path),
          keys: c.groupBy,
          aggregates,
        });
        return;
      }
      case 'transform.repartition': {
        const c = cfg as Config<'transform', 'repartition'>;
        current = add({
          ...base,
          kind: 'hint',
          input: input(path),
          hint: { type: 'repartition', partitions: c.numPartitions, columns: [] },
        });
        return;
      }
      case 'transform.repartitionByColumns': {
        const c = cfg as Config<'transform', 'repartitionByColumns'>;
        const comments =
          c.numPartitions === undefined
            ? ["No numPartitions: 200, Spark's default (spark.sql.shuffle.partitions)."]
            : [];
        const hint = {
          type: 'repartition' as const,
          partitions: c.numPartitions ?? 200,
          columns: c.columns,
        };
        current = add({ ...base, kind: 'hint', input: input(path), hint, comments });
        return;
      }
      case 'transform.coalesce': {
        const c = cfg as Config<'transform', 'coalesce'>;
        current = add({
          ...base,
          kind: 'hint',
          input: input(path),
          hint: { type: 'coalesce', partitions: c.numPartitions },
        });
        return;
      }
      default: {
        const sink = loadStep(ctx, st.method, cfg, at, input(path), path);
        add(
          cfg.outputMode === undefined ? sink : { ...sink, outputModePath: [...at, 'outputMode'] },
        );
      }
    }
  });

  if (!steps.some((s) => s.kind === 'sink')) {
    const last = input(['steps']);
    ctx.check(
      ['steps'],
      'the config has no load step: the result goes to the console; replace it with the real destination',
    );
    add({
      kind: 'sink',
      input: last,
      path: ['steps'],
      sink: { type: 'console' },
      query: {},
      comments: ['The config has no load step: the result is shown on the console.'],
    });
  }
  return { name: top.name, dialect: 'steps', steps };
}

function kafkaSource(
  ctx: Ctx,
  c: Config<'extract', 'fromKafka'>,
  at: IssuePath,
  base: { path: IssuePath; name?: string },
  batch: boolean,
): SourceStep {
  const comments: string[] = [];
  const { brokers, comment } = missingBrokers(ctx, [...at, 'topic'], `topic '${c.topic}'`);
  comments.push(comment);
  const topics = brokerList(ctx, c.topic, [...at, 'topic']);
  const options: Record<string, unknown> = {
    brokers,
    ...(topics.length === 1 ? { topic: topics[0] } : { topics }),
  };
  if (c.startingOffsets !== undefined)
    options.startingOffsets = kafkaOffsets(ctx, c.startingOffsets, [...at, 'startingOffsets']);
  if (c.endingOffsets !== undefined)
    options.endingOffsets = kafkaOffsets(ctx, c.endingOffsets, [...at, 'endingOffsets']);
  if (batch && (c.startingOffsets === undefined || c.endingOffsets === undefined)) {
    options.startingOffsets ??= 'earliest';
    options.endingOffsets ??= 'latest';
    comments.push(
      "A batch read: Spark's batch defaults (earliest to latest offsets) are written out.",
    );
  }
  if (c.maxOffsetsPerTrigger !== undefined) options.maxOffsetsPerTrigger = c.maxOffsetsPerTrigger;
  if (c.failOnDataLoss !== undefined) options.failOnDataLoss = c.failOnDataLoss;
  if (c.credentialPath !== undefined) options.credentials = vaultRef(c.credentialPath);
  if (c.minPartitions !== undefined)
    ctx.notCarriedOver(
      [...at, 'minPartitions'],
      `minPartitions ${c.minPartitions} (pipekit reads each Kafka partition as it is; it does not split them)`,
    );
  return {
    ...base,
    kind: 'source',
    type: 'kafka',
    options,
    fields: null,
    inference: 'records',
    schemaName: typeName(base.name ?? c.topic),
    comments,
  };
}

function postgresSource(
  ctx: Ctx,
  c: Config<'extract', 'fromPostgres'>,
  at: IssuePath,
  base: { path: IssuePath; name?: string },
): SourceStep {
  if ((c.table === undefined) === (c.query === undefined))
    ctx.fail([...at, 'table'], 'give exactly one of table and query');
  const secretPrefix = base.name ?? c.table ?? 'postgres';
  const connection = postgresConnection(ctx, c, (k) => [...at, k], `${secretPrefix}_db`);
  const options: Record<string, unknown> = {
    connection,
    ...(c.table === undefined ? { query: c.query } : { table: c.table }),
  };
  if (c.cache === true) options.cache = true;
  if (c.cacheStorageLevel !== undefined)
    ctx.notCarriedOver(
      [...at, 'cacheStorageLevel'],
      `cacheStorageLevel '${c.cacheStorageLevel}' (a cached pipekit source is kept in memory)`,
    );
  return {
    ...base,
    kind: 'source',
    type: 'postgres',
    options,
    fields: null,
    inference: 'whenTyped',
    schemaName: typeName(base.name ?? c.table ?? 'row'),
  };
}

function loadStep(
  ctx: Ctx,
  method: string,
  cfg: Record<string, unknown>,
  at: IssuePath,
  input: Ref,
  path: IssuePath,
): SinkStep {
  const query = stepQuery(ctx, cfg, at);
  switch (method) {
    case 'toDeltaLake': {
      const c = cfg as Config<'load', 'toDeltaLake'>;
      const sink = {
        type: 'delta' as const,
        path: c.path,
        ...(c.mode ? { mode: c.mode } : {}),
        ...(c.partitionBy ? { partitionBy: c.partitionBy } : {}),
        ...(c.mergeSchema === undefined ? {} : { mergeSchema: c.mergeSchema }),
      };
      return { kind: 'sink', input, path, sink, query };
    }
    case 'toKafka': {
      const c = cfg as Config<'load', 'toKafka'>;
      const { brokers, comment } = missingBrokers(ctx, [...at, 'topic'], `topic '${c.topic}'`);
      const sink = {
        type: 'kafka' as const,
        brokers,
        topic: c.topic,
        ...(c.credentialPath === undefined ? {} : { credentials: vaultRef(c.credentialPath) }),
      };
      return { kind: 'sink', input, path, sink, query, comments: [comment] };
    }
    case 'toPostgres': {
      const c = cfg as Config<'load', 'toPostgres'>;
      const connection = postgresConnection(ctx, c, (k) => [...at, k], `${c.table}_db`);
      return {
        kind: 'sink',
        input,
        path,
        sink: { type: 'postgres', connection, table: c.table, ...(c.mode ? { mode: c.mode } : {}) },
        query,
      };
    }
    default: {
      const c = cfg as Config<'load', 'toS3'>;
      const comments: string[] = [];
      let format: string;
      if (c.format === undefined && !/\.[a-z]+$/i.test(c.path)) {
        format = 'parquet';
        comments.push("No format: Parquet, Spark's default.");
      } else format = fileFormat(ctx, c.format, c.path, [...at, 'path'], [...at, 'format']);
      return {
        kind: 'sink',
        input,
        path,
        sink: {
          type: 'file',
          path: c.path,
          format,
          ...(c.partitionBy ? { partitionBy: c.partitionBy } : {}),
        },
        query,
        comments,
      };
    }
  }
}
