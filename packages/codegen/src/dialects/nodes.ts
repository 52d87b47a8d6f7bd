import type { IssuePath, Trigger } from '@pipekit/core';
import { z } from 'zod';
import { fileFormat, watchedPath } from '../convert/common.js';
import type { Ctx } from '../convert/context.js';
import { ddlFields } from '../convert/fields.js';
import type { Flow, QueryDraft, Ref, SinkStep, Step } from '../convert/ir.js';
import { kafkaClient, kafkaClientKeys } from '../convert/kafka-options.js';
import { typeName, variableName } from '../convert/names.js';
import {
  boolLike,
  duration,
  intLike,
  isRecord,
  kafkaOffsets,
  numberLike,
  positiveIntLike,
} from '../convert/values.js';
import {
  inputSchema,
  nodePipelineSchema,
  nodeSchema,
  outputSchema,
  streamingSchema,
  watermarkSchema,
} from './nodes-schema.js';

const keys = (s: z.ZodObject) => Object.keys(s.shape);
const inputFormats = [
  'kafka',
  'delta_stream',
  'file_stream',
  'rate',
  'memory',
  'socket',
  'kinesis',
];

const kafkaOptions = z.strictObject({
  ...Object.fromEntries(kafkaClientKeys.map((k) => [k, z.string().min(1).optional()])),
  subscribe: z.string().min(1).optional(),
  subscribePattern: z.string().min(1).optional(),
  assign: z.union([z.string().min(1), z.record(z.string(), z.array(z.number().int()))]).optional(),
  startingOffsets: z.unknown().optional(),
  endingOffsets: z.unknown().optional(),
  failOnDataLoss: boolLike.optional(),
  includeHeaders: boolLike.optional(),
  maxOffsetsPerTrigger: positiveIntLike.optional(),
});
const deltaOptions = z.strictObject({
  readChangeFeed: boolLike.optional(),
  startingVersion: z.union([intLike, z.literal('latest')]).optional(),
  endingVersion: intLike.optional(),
});
const fileOptions = z.strictObject({
  format: z.string().min(1).optional(),
  maxFilesPerTrigger: positiveIntLike.optional(),
});
const rateOptions = z.strictObject({
  rowsPerSecond: numberLike.optional(),
  rampUpTime: z.string().min(1).optional(),
  numPartitions: positiveIntLike.optional(),
});
const deltaOutOptions = z.strictObject({ mergeSchema: boolLike.optional() });
const consoleOptions = z.strictObject({
  numRows: positiveIntLike.optional(),
  truncate: boolLike.optional(),
});

/** One streaming node, or a pipeline of them: each node is a query; together one `pipeline(...)`. */
export function convertNodes(ctx: Ctx, data: unknown, fileName: string): Flow {
  const steps: Step[] = [];
  if (isRecord(data) && Array.isArray(data.nodes)) {
    const p = ctx.parse(nodePipelineSchema, data, [], keys(nodePipelineSchema));
    const defaults =
      p.streaming === undefined
        ? {}
        : ctx.parse(streamingSchema, p.streaming, ['streaming'], keys(streamingSchema));
    for (const [i, n] of p.nodes.entries()) node(ctx, n, ['nodes', i], defaults, steps, true);
    return { name: p.name ?? fileName, dialect: 'nodes', steps };
  }
  const name = node(ctx, data, [], {}, steps, false);
  return { name, dialect: 'nodes', steps };
}

type StreamingDefaults = z.output<typeof streamingSchema>;

function node(
  ctx: Ctx,
  raw: unknown,
  at: IssuePath,
  defaults: StreamingDefaults,
  steps: Step[],
  inPipeline: boolean,
): string {
  const n = ctx.parse(nodeSchema, raw, at, keys(nodeSchema));
  const add = (s: Step): Ref => steps.push(s) - 1;
  if (n.transforms !== undefined && n.transforms.length > 0)
    ctx.fail(
      [...at, 'transforms'],
      'transforms are Python callables of the legacy module: pipekit cannot run them',
      'rewrite them as DSL steps (filter, select, withColumn, ...) in the generated file',
    );
  const own =
    n.streaming === undefined
      ? {}
      : ctx.parse(streamingSchema, n.streaming, [...at, 'streaming'], keys(streamingSchema));
  const streaming = { ...defaults, ...own };
  const trigger = triggerOf(
    ctx,
    streaming,
    own.trigger ? [...at, 'streaming', 'trigger'] : ['streaming', 'trigger'],
  );
  let current = add(input(ctx, n.input, [...at, 'input'], n.name));
  const inp = ctx.parse(inputSchema, n.input, [...at, 'input'], keys(inputSchema));
  if (inp.watermark !== undefined) {
    const w = ctx.parse(
      watermarkSchema,
      inp.watermark,
      [...at, 'input', 'watermark'],
      keys(watermarkSchema),
    );
    current = add({
      kind: 'watermark',
      input: current,
      column: w.column,
      delay: duration(ctx, w.delay, [...at, 'input', 'watermark', 'delay'], { allowZero: true }),
      path: [...at, 'input', 'watermark'],
    });
  }
  const query: QueryDraft = {
    ...(trigger ? { trigger } : {}),
    ...(streaming.output_mode === undefined ? {} : { outputMode: streaming.output_mode }),
    ...(streaming.checkpoint_location === undefined
      ? {}
      : { checkpoint: streaming.checkpoint_location }),
    ...(streaming.query_name === undefined ? {} : { queryName: streaming.query_name }),
  };
  const sink = output(
    ctx,
    n.output,
    [...at, 'output'],
    current,
    query,
    inPipeline ? variableName(n.name) : undefined,
  );
  const modePath: IssuePath =
    own.output_mode === undefined
      ? ['streaming', 'output_mode']
      : [...at, 'streaming', 'output_mode'];
  add(streaming.output_mode === undefined ? sink : { ...sink, outputModePath: modePath });
  return n.name;
}

function triggerOf(ctx: Ctx, s: StreamingDefaults, path: IssuePath): Trigger | undefined {
  const t = s.trigger;
  if (!t) return undefined;
  if (t.type === 'processing_time') {
    if (t.interval === undefined)
      ctx.fail([...path, 'interval'], 'a processing_time trigger needs interval');
    return { type: 'processingTime', interval: duration(ctx, t.interval, [...path, 'interval']) };
  }
  if (t.interval !== undefined)
    ctx.fail([...path, 'interval'], `a ${t.type} trigger takes no interval`);
  return {
    type: t.type === 'once' ? 'once' : t.type === 'available_now' ? 'availableNow' : 'continuous',
  };
}

function input(ctx: Ctx, raw: Record<string, unknown>, at: IssuePath, nodeName: string): Step {
  const i = ctx.parse(inputSchema, raw, at, keys(inputSchema));
  const op: IssuePath = [...at, 'options'];
  if (!inputFormats.includes(i.format))
    ctx.fail([...at, 'format'], `unknown input format '${i.format}'`, inputFormats.join(', '));
  const fields =
    i.json_schema === undefined ? null : ddlFields(ctx, i.json_schema, [...at, 'json_schema']);
  const base = { kind: 'source' as const, path: at, fields };
  const comments: string[] = [];
  const needPath = (): string => {
    if (i.path === undefined) ctx.fail([...at, 'path'], `input format '${i.format}' needs path`);
    return i.path;
  };
  switch (i.format) {
    case 'kafka': {
      const o = ctx.parse(kafkaOptions, i.options, op, keys(kafkaOptions));
      const subs = (['subscribe', 'subscribePattern', 'assign'] as const).filter(
        (k) => o[k] !== undefined,
      );
      if (subs.length !== 1)
        ctx.fail(
          subs.length > 1 ? [...op, subs[1]!] : op,
          subs.length > 1
            ? `conflicting options: ${subs.join(' and ')} (a Kafka input subscribes one way)`
            : 'no subscription',
          'exactly one of subscribe, subscribePattern, assign',
        );
      const client = kafkaClient(ctx, o, op, nodeName, true);
      if (!client.brokers)
        ctx.fail([...op, 'kafka.bootstrap.servers'], 'a Kafka input needs kafka.bootstrap.servers');
      const options: Record<string, unknown> = { ...client };
      if (o.subscribe !== undefined) {
        const topics = o.subscribe
          .split(',')
          .map((t) => t.trim())
          .filter((t) => t !== '');
        Object.assign(options, topics.length === 1 ? { topic: topics[0] } : { topics });
      } else if (o.subscribePattern !== undefined) options.topicPattern = o.subscribePattern;
      else {
        const assign = typeof o.assign === 'string' ? safeJson(o.assign) : o.assign;
        const parsed = z.record(z.string(), z.array(z.number().int())).safeParse(assign);
        if (!parsed.success)
          ctx.fail(
            [...op, 'assign'],
            `invalid assign ${JSON.stringify(o.assign)}`,
            'JSON such as {"topic":[0,1]}',
          );
        const topics = Object.keys(parsed.data);
        Object.assign(options, topics.length === 1 ? { topic: topics[0] } : { topics });
        ctx.notCarriedOver(
          [...op, 'assign'],
          `assign ${JSON.stringify(parsed.data)} (pipekit reads every partition of ${topics.join(', ')})`,
        );
      }
      if (o.startingOffsets !== undefined)
        options.startingOffsets = kafkaOffsets(ctx, o.startingOffsets, [...op, 'startingOffsets']);
      if (o.endingOffsets !== undefined)
        options.endingOffsets = kafkaOffsets(ctx, o.endingOffsets, [...op, 'endingOffsets']);
      if (o.failOnDataLoss !== undefined) options.failOnDataLoss = o.failOnDataLoss;
      if (o.maxOffsetsPerTrigger !== undefined)
        options.maxOffsetsPerTrigger = o.maxOffsetsPerTrigger;
      const json = i.parse_json === true;
      if (!json) {
        if (fields) ctx.fail([...at, 'json_schema'], 'json_schema needs parse_json: true');
        options.format = 'bytes';
        options.includeColumns = [
          'key',
          'topic',
          'partition',
          'offset',
          'timestamp',
          ...(o.includeHeaders ? ['headers'] : []),
        ];
        comments.push(
          "No parse_json: the records as Spark's Kafka source gives them (value as bytes, key, topic, partition, offset, timestamp).",
        );
      } else if (o.includeHeaders) options.includeColumns = ['headers'];
      return {
        ...base,
        type: 'kafka',
        options,
        inference: json ? 'records' : 'never',
        schemaName: typeName(String(options.topic ?? nodeName)),
        comments,
      };
    }
    case 'delta_stream': {
      const o = ctx.parse(deltaOptions, i.options, op, keys(deltaOptions));
      const options: Record<string, unknown> = { path: needPath(), stream: true };
      if (o.readChangeFeed !== undefined) options.readChangeFeed = o.readChangeFeed;
      if (typeof o.startingVersion === 'number') options.startingVersion = o.startingVersion;
      else if (o.startingVersion === 'latest')
        comments.push(
          "startingVersion 'latest': a Delta stream starts at the latest version when none is given.",
        );
      if (o.endingVersion !== undefined) options.endingVersion = o.endingVersion;
      return {
        ...base,
        type: 'delta',
        options,
        inference: 'whenTyped',
        schemaName: typeName(needPath()),
        comments,
      };
    }
    case 'file_stream': {
      const o = ctx.parse(fileOptions, i.options, op, keys(fileOptions));
      const format = fileFormat(ctx, o.format, needPath(), [...at, 'path'], [...op, 'format']);
      const watched = watchedPath(ctx, needPath(), format, [...at, 'path']);
      const options = {
        path: watched.path,
        format,
        watch: true,
        ...(o.maxFilesPerTrigger === undefined ? {} : { maxFilesPerTrigger: o.maxFilesPerTrigger }),
      };
      return {
        ...base,
        type: 'file',
        options,
        inference: format === 'parquet' ? 'whenTyped' : 'records',
        schemaName: typeName(needPath()),
        comments: watched.comments,
      };
    }
    case 'rate': {
      const o = ctx.parse(rateOptions, i.options, op, keys(rateOptions));
      if (fields)
        ctx.fail([...at, 'json_schema'], 'a rate input has its own columns (timestamp, value)');
      if (o.rampUpTime !== undefined)
        ctx.notCarriedOver(
          [...op, 'rampUpTime'],
          `rampUpTime '${o.rampUpTime}' (generated rows come at the full rate at once)`,
        );
      if (o.numPartitions !== undefined)
        ctx.notCarriedOver(
          [...op, 'numPartitions'],
          `numPartitions ${o.numPartitions} (pipekit generates rows in one partition)`,
        );
      comments.push(
        "Spark's rate source: seeded rows { timestamp, value } with event time from 2026-01-01, not the wall clock.",
      );
      return {
        ...base,
        type: 'generate',
        options: o.rowsPerSecond === undefined ? {} : { rowsPerSecond: o.rowsPerSecond },
        inference: 'never',
        schemaName: 'Rate',
        comments,
      };
    }
    case 'memory': {
      if (Object.keys(i.options).length > 0)
        ctx.fail([...op, Object.keys(i.options)[0]!], 'a memory input takes no options');
      if (!fields)
        ctx.fail(
          [...at, 'json_schema'],
          'a memory input needs json_schema: its rows have no other description',
        );
      comments.push('A memory input: the rows are given by the test that runs this pipeline.');
      return {
        ...base,
        type: 'memory',
        options: { rows: [] },
        inference: 'records',
        schemaName: typeName(nodeName),
        comments,
      };
    }
    default:
      ctx.fail(
        [...at, 'format'],
        `input format '${i.format}' has no pipekit source`,
        'kafka, delta_stream, file_stream, rate, memory',
      );
  }
}

function output(
  ctx: Ctx,
  raw: Record<string, unknown>,
  at: IssuePath,
  input: Ref,
  query: QueryDraft,
  variable: string | undefined,
): SinkStep {
  const o = ctx.parse(outputSchema, raw, at, keys(outputSchema));
  const op: IssuePath = [...at, 'options'];
  const base = {
    kind: 'sink' as const,
    input,
    path: at,
    query,
    ...(variable === undefined ? {} : { variable }),
  };
  if (o.format === 'delta') {
    const opts = ctx.parse(deltaOutOptions, o.options, op, keys(deltaOutOptions));
    if ((o.path === undefined) === (o.table_name === undefined))
      ctx.fail([...at, 'path'], 'a delta output needs exactly one of path and table_name');
    const comments: string[] = [];
    if (o.table_name !== undefined) {
      ctx.check(
        [...at, 'table_name'],
        `table_name '${o.table_name}' becomes the Delta path; pipekit writes Delta tables by path`,
      );
      comments.push(
        `table_name '${o.table_name}' is used as the table's path: pipekit writes Delta tables by path.`,
      );
    }
    const path = (o.path ?? o.table_name)!;
    return {
      ...base,
      sink: {
        type: 'delta',
        path,
        ...(opts.mergeSchema === undefined ? {} : { mergeSchema: opts.mergeSchema }),
      },
      comments,
    };
  }
  if (o.format === 'console') {
    if (o.path !== undefined || o.table_name !== undefined)
      ctx.fail(
        [...at, o.path !== undefined ? 'path' : 'table_name'],
        'a console output takes no path',
      );
    const opts = ctx.parse(consoleOptions, o.options, op, keys(consoleOptions));
    return {
      ...base,
      sink: {
        type: 'console',
        ...(opts.numRows === undefined ? {} : { numRows: opts.numRows }),
        ...(opts.truncate === undefined ? {} : { truncate: opts.truncate }),
      },
    };
  }
  ctx.fail([...at, 'format'], `unknown output format '${o.format}'`, 'delta, console');
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}
