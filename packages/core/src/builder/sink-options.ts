import type { z } from 'zod';
import type { ConsoleSinkSpec } from '../plan/sinks/console-sink.js';
import type { deltaSinkSchema } from '../plan/sinks/delta-sink.js';
import type { fileSinkSchema } from '../plan/sinks/file-sink.js';
import type { kafkaSinkSchema } from '../plan/sinks/kafka-sink.js';
import type { memorySinkSchema } from '../plan/sinks/memory-sink.js';
import type { postgresSinkSchema } from '../plan/sinks/postgres-sink.js';
import type { SinkOutputModes, SinkType } from '../plan/sinks/sink-spec.js';
import type { OutputMode, Trigger } from '../plan/trigger.js';
import type { Keys } from '../schema/row-type.js';
import type { Pipeline, StreamKind } from './stream-types.js';

/**
 * The options of each sink, typed by the stream: the options that name columns take the row's
 * columns (an editor completes them), and the output mode is checked against what the sink and the
 * stream allow, with the reason in the message when it does not fit.
 */

/** The output modes a stream allows: rows append or update; an aggregation needs a watermark to append. */
export type ModesOfKind<K extends StreamKind> = K extends 'rows'
  ? 'append' | 'update'
  : K extends 'aggregated'
    ? 'update' | 'complete'
    : OutputMode;

type Join<T extends readonly string[]> = T extends readonly [
  infer H extends string,
  ...infer Rest extends string[],
]
  ? Rest extends []
    ? H
    : `${H}, ${Join<Rest>}`
  : '';

type SinkModes<T extends SinkType> = SinkOutputModes[T][number];

/** Why mode M does not fit sink T on a stream of kind K, as the compiler shows it. */
export type ModeMistake<M extends OutputMode, K extends StreamKind, T extends SinkType> =
  M extends SinkModes<T>
    ? M extends ModesOfKind<K>
      ? never
      : M extends 'complete'
        ? 'complete output needs an aggregation: use append or update'
        : 'append of an aggregation needs a watermark on its window column or on one of its keys, so a result is final when it is written: add .watermark(column, delay) and window or group by that column, or use update or complete'
    : `a ${T} sink cannot take ${M}: it takes ${Join<SinkOutputModes[T]>}`;

/** Where a sink's query keeps its progress and how often it runs. */
export interface QueryOptions<M extends string = OutputMode> {
  /**
   * When micro-batches run: `every('5 seconds')`, `once()`, `availableNow()`, `continuous()`.
   * Default: `availableNow()` when every source ends, `continuous()` otherwise.
   */
  readonly trigger?: Trigger;
  /**
   * `'append'` (new rows; windows once final), `'update'` (changed rows) or `'complete'` (the
   * whole result each batch). Default: append, or complete (update where the sink cannot take
   * complete) for an aggregation without a watermark. A compile error gives the reason when the
   * sink or the stream cannot take it.
   */
  readonly outputMode?: M;
  /**
   * A directory for offsets, commits and state; needed for exactly-once restarts. Default: none
   * (progress is not kept). Example: `checkpoint: './checkpoints/revenue'`.
   */
  readonly checkpoint?: string;
  /** The query's name in logs, metrics and `explain`. Default: `'pipeline'`. */
  readonly queryName?: string;
}

/** The sink options that name columns, per sink. */
interface ColumnOptions<R> {
  delta: {
    /** Columns whose values split the table into directories (Hive style). Default: none. */
    readonly partitionBy?: readonly Keys<R>[];
  };
  file: {
    /** Columns whose values split the output into `column=value` directories. Default: none. */
    readonly partitionBy?: readonly Keys<R>[];
  };
  kafka: {
    /** The column whose value is the record key (same key, same partition). Default: no key. */
    readonly key?: Keys<R>;
    /** Columns written as record headers. Default: none. */
    readonly headers?: readonly Keys<R>[];
    /** The columns of the JSON value. Default: every column. */
    readonly valueColumns?: readonly Keys<R>[];
  };
  postgres:
    | {
        /** `'upsert'`: insert, or update the row with the same key columns. */
        readonly mode: 'upsert';
        /** The key columns an upsert matches rows on (the table's primary key). */
        readonly key: readonly [Keys<R>, ...Keys<R>[]];
      }
    | {
        /** `'append'` (default) inserts; `'overwrite'` replaces the table's rows each batch. */
        readonly mode?: 'append' | 'overwrite';
        /** Key columns (used by upsert). */
        readonly key?: readonly Keys<R>[];
      };
  console: {};
  memory: {};
}

interface Specs {
  delta: z.input<typeof deltaSinkSchema>;
  file: z.input<typeof fileSinkSchema>;
  kafka: z.input<typeof kafkaSinkSchema>;
  postgres: z.input<typeof postgresSinkSchema>;
  console: Partial<ConsoleSinkSpec>;
  memory: z.input<typeof memorySinkSchema>;
}

/** The options of sink T on a stream of row R and kind K, with output mode M. */
export type SinkOptions<R, K extends StreamKind, T extends SinkType, M extends OutputMode> = Omit<
  Specs[T],
  'type' | keyof ColumnOptions<R>[T]
> &
  ColumnOptions<R>[T] &
  QueryOptions<[ModeMistake<M, K, T>] extends [never] ? M : ModeMistake<M, K, T>>;

/**
 * A sink's arguments: its options. When the sink and a streaming query have no output mode in
 * common (a file sink after an aggregation without a watermark), the call is still allowed: the
 * types do not know whether the sources end, and a batch query takes any mode; for a stream the
 * build refuses it, saying which mode the sink needs and how to get it. Distributed over the stream
 * kind, so a stream of any kind takes every form.
 */
export type SinkArgs<
  R,
  K extends StreamKind,
  T extends SinkType,
  M extends OutputMode,
  Optional extends boolean = false,
> = K extends StreamKind
  ? Optional extends true
    ? [options?: SinkOptions<R, K, T, M>]
    : [options: SinkOptions<R, K, T, M>]
  : never;

/** The sinks a stream can write to; each call finishes a query and gives a runnable `Pipeline`. */
export interface Sinks<R, K extends StreamKind> {
  /**
   * A Delta Lake table at `path` (local or `s3://`), exactly once per batch through Delta's
   * transaction ids: `.sink.delta({ path: './data/revenue', checkpoint: './checkpoints/revenue' })`.
   */
  delta<const M extends OutputMode = never>(...options: SinkArgs<R, K, 'delta', M>): Pipeline;
  /**
   * A Kafka topic, each row a JSON record; transactions give exactly once:
   * `.sink.kafka({ brokers: ['localhost:9092'], topic: 'out', key: 'userId' })`.
   */
  kafka<const M extends OutputMode = never>(...options: SinkArgs<R, K, 'kafka', M>): Pipeline;
  /**
   * A Postgres table; rows and the batch id commit in one transaction:
   * `.sink.postgres({ connection, table: 'revenue', mode: 'upsert', key: ['userId'] })`.
   */
  postgres<const M extends OutputMode = never>(...options: SinkArgs<R, K, 'postgres', M>): Pipeline;
  /** Part files in a directory: `.sink.file({ path: './out', format: 'jsonl' })`. */
  file<const M extends OutputMode = never>(...options: SinkArgs<R, K, 'file', M>): Pipeline;
  /** Prints each batch as a table: `.sink.console({ numRows: 50 })`. */
  console<const M extends OutputMode = never>(
    ...options: SinkArgs<R, K, 'console', M, true>
  ): Pipeline;
  /** Keeps rows in memory under `name`, for tests: `.sink.memory({ name: 'out' })`. */
  memory<const M extends OutputMode = never>(...options: SinkArgs<R, K, 'memory', M>): Pipeline;
}
