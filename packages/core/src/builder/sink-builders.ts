import { PipekitError } from '../errors/pipekit-error.js';
import { consoleSinkSchema } from '../plan/sinks/console-sink.js';
import { deltaSinkSchema } from '../plan/sinks/delta-sink.js';
import { fileSinkSchema } from '../plan/sinks/file-sink.js';
import { kafkaSinkSchema } from '../plan/sinks/kafka-sink.js';
import { memorySinkSchema } from '../plan/sinks/memory-sink.js';
import { postgresSinkSchema } from '../plan/sinks/postgres-sink.js';
import { type SinkSpec, sinkOutputModes } from '../plan/sinks/sink-spec.js';
import { availableNow, continuous, type OutputMode, triggerSchema } from '../plan/trigger.js';
import type { BuilderNode } from './graph.js';
import { parseOptions } from './options.js';
import { defaultPipelineName, PipelineImpl } from './pipeline-impl.js';
import type { QueryOptions } from './sink-options.js';
import { step } from './step.js';
import { isBounded, streamKind } from './stream-facts.js';

const queryKeys = ['trigger', 'outputMode', 'checkpoint', 'queryName'] as const;

function split(options: Record<string, unknown>): [Record<string, unknown>, QueryOptions] {
  const spec: Record<string, unknown> = {};
  const query: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) {
    if ((queryKeys as readonly string[]).includes(k)) query[k] = v;
    else spec[k] = v;
  }
  return [spec, query as QueryOptions];
}

/** Sinks as data, for dead-letter policies and `stream.to(...)`: `deadLetter(sinks.file({ path, format: 'jsonl' }))`. */
export const sinks = {
  /** A Delta table sink's spec (options as `.sink.delta`). */
  delta: (o: Record<string, unknown>) =>
    parseOptions(deltaSinkSchema, { ...o, type: 'delta' }, 'sinks.delta(...)'),
  /** A Kafka sink's spec (options as `.sink.kafka`). */
  kafka: (o: Record<string, unknown>) =>
    parseOptions(kafkaSinkSchema, { ...o, type: 'kafka' }, 'sinks.kafka(...)'),
  /** A Postgres sink's spec (options as `.sink.postgres`). */
  postgres: (o: Record<string, unknown>) =>
    parseOptions(postgresSinkSchema, { ...o, type: 'postgres' }, 'sinks.postgres(...)'),
  /** A file sink's spec: `sinks.file({ path: './bad', format: 'jsonl' })`. */
  file: (o: Record<string, unknown>) =>
    parseOptions(fileSinkSchema, { ...o, type: 'file' }, 'sinks.file(...)'),
  /** A console sink's spec (options as `.sink.console`). */
  console: (o: Record<string, unknown> = {}) =>
    parseOptions(consoleSinkSchema, { ...o, type: 'console' }, 'sinks.console(...)'),
  /** A memory sink's spec (options as `.sink.memory`). */
  memory: (o: Record<string, unknown>) =>
    parseOptions(memorySinkSchema, { ...o, type: 'memory' }, 'sinks.memory(...)'),
};

/**
 * The output mode when none is given: append for rows and for aggregations with a watermark;
 * complete (or update where the sink cannot take complete) for streaming aggregations without one.
 */
function defaultOutputMode(node: BuilderNode, sink: SinkSpec): OutputMode {
  if (isBounded(node) || streamKind(node) !== 'aggregated') return 'append';
  return (sinkOutputModes[sink.type] as readonly OutputMode[]).includes('complete')
    ? 'complete'
    : 'update';
}

export function toSink(node: BuilderNode, sink: SinkSpec, query: QueryOptions) {
  const where = `.sink.${sink.type}(...)`;
  const trigger = query.trigger
    ? parseOptions(triggerSchema, query.trigger, where)
    : isBounded(node)
      ? availableNow()
      : continuous();
  const outputMode = query.outputMode ?? defaultOutputMode(node, sink);
  const modes = sinkOutputModes[sink.type] as readonly OutputMode[];
  if (!modes.includes(outputMode))
    throw new PipekitError(`${where} cannot take outputMode '${outputMode}'`, [
      query.outputMode === undefined
        ? {
            // No mode given and none fits: the rule, not just the modes.
            path: ['outputMode'],
            message: `a ${sink.type} sink takes ${modes.join(', ')}, and an aggregation without a watermark on its window or keys cannot append on a stream (its results change)`,
            fix: 'add .watermark(column, delay) before the aggregation and window or group by that column, or write to a sink that takes update or complete',
          }
        : { path: ['outputMode'], message: `${sink.type} takes ${modes.join(', ')}` },
    ]);
  const sinkNode = step(
    {
      kind: 'sink',
      sink,
      trigger,
      outputMode,
      ...(query.checkpoint === undefined ? {} : { checkpoint: query.checkpoint }),
      ...(query.queryName === undefined ? {} : { queryName: query.queryName }),
    },
    [node],
  );
  return new PipelineImpl(query.queryName ?? defaultPipelineName, [sinkNode]);
}

/** The `.sink` namespace of a stream. */
export function sinksOf(node: BuilderNode) {
  const make =
    (build: (o: Record<string, unknown>) => SinkSpec) =>
    (options: Record<string, unknown> = {}) => {
      const [spec, query] = split(options);
      return toSink(node, build(spec), query);
    };
  return {
    delta: make(sinks.delta),
    kafka: make(sinks.kafka),
    postgres: make(sinks.postgres),
    file: make(sinks.file),
    console: make(sinks.console),
    memory: make(sinks.memory),
  };
}
