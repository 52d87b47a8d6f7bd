import type {
  OutputMode,
  Schema,
  SecretResolver,
  SinkSpec,
  SinkType,
  SourceSpec,
  SourceType,
} from '@pipekit/core';
import { PipekitError } from '@pipekit/core';
import type { Logger } from 'pino';
import type { SchedulerLike } from 'rxjs';
import type { BadRecord, JsonValue, MaybePromise, Row } from './row.js';

/**
 * Where a source is: a JSON value the source alone understands (a row number, a file count,
 * `{ topic: { partition: offset } }`). Offsets are stored as they are in checkpoints, so a restart
 * can replay a planned batch exactly.
 */
export type Offset = JsonValue;

/**
 * How much one batch may take, as Spark's `ReadLimit`. With `allAvailable` (trigger `once`) the
 * source ignores its own per-batch caps (`batchSize`, `maxFilesPerTrigger`); `maxRows` (trigger
 * `continuous`) caps a batch further. With neither, the source's own caps apply.
 */
export interface ReadLimits {
  readonly allAvailable?: boolean;
  readonly maxRows?: number;
}

/**
 * What a source has beyond a planned batch: Spark's `latestOffset` against the batch's `endOffset`,
 * in rows, and the source's own option that capped the batch (`batchSize`,
 * `maxOffsetsPerTrigger`, `maxFilesPerTrigger`), null when nothing capped it.
 */
export interface SourceBacklog {
  readonly rows: number;
  readonly limitedBy: string | null;
}

/** The rows of one planned batch, and the records of it that could not be read. */
export interface ReadResult {
  readonly rows: readonly Row[];
  readonly badRecords?: readonly BadRecord[];
}

/**
 * Reads a source as a sequence of micro-batches, Spark's micro-batch source model: the runtime
 * asks where the next batch ends (`planBatch`), records that range (in the checkpoint, later),
 * reads it (`readBatch`), and once every sink has the batch, `commit`s it. Reading a range again
 * must give the same rows, so a batch interrupted by a crash can be replayed exactly.
 *
 * The runtime never calls a reader concurrently with itself; each method may return a promise.
 *
 * @example
 * // A source of the numbers 0..n-1, `batchSize` a batch.
 * const numbers = (n: number, batchSize: number): SourceReader => ({
 *   initialOffset: () => 0,
 *   planBatch: (start, limits) => {
 *     const from = start as number;
 *     if (from >= n) return null;
 *     return Math.min(n, from + (limits.allAvailable ? n : Math.min(batchSize, limits.maxRows ?? batchSize)));
 *   },
 *   readBatch: (start, end) => ({ rows: range(start as number, end as number).map((value) => ({ value })) }),
 *   commit: () => {},
 *   isExhausted: (offset) => (offset as number) >= n,
 *   close: () => {},
 * });
 */
export interface SourceReader {
  /** Where reading starts when there is no checkpoint. */
  initialOffset(): MaybePromise<Offset>;
  /**
   * The end of the next batch starting at `start`, within `limits`; null when there is nothing
   * new yet. Must not consume anything: planning twice from the same start may give a later end
   * (more data arrived) but never an earlier one.
   */
  planBatch(start: Offset, limits: ReadLimits): MaybePromise<Offset | null>;
  /**
   * The rows in `(start, end]` as planned. Replaying the same range gives the same rows. Records
   * that cannot be read (unparseable, not of the declared schema) come back in `badRecords` with
   * their reason and position; build them with `SourceContext.toRow`.
   */
  readBatch(start: Offset, end: Offset): MaybePromise<ReadResult>;
  /** Every sink has the rows up to `end`: the source may forget them (acknowledge, delete). */
  commit(end: Offset): MaybePromise<void>;
  /** Whether nothing will ever come after `offset` (a bounded source read to its end). */
  isExhausted(offset: Offset): boolean;
  /**
   * Trigger `availableNow`: fix what "available" means now, so the query drains it and stops even
   * if more data keeps arriving (Spark's `SupportsTriggerAvailableNow`). Optional.
   */
  prepareForAvailableNow?(): MaybePromise<void>;
  /**
   * Rows available beyond `end` (the batch just planned) and the option that capped the batch:
   * for progress and the warning when a source falls behind its trigger. Optional; null when the
   * source cannot tell cheaply.
   */
  backlog?(end: Offset): MaybePromise<SourceBacklog | null>;
  close(): MaybePromise<void>;
}

/** The outcome of coercing one raw record to the declared schema. */
export type ToRowResult =
  | { readonly ok: true; readonly row: Row }
  | { readonly ok: false; readonly bad: BadRecord };

/** What a source factory gets besides its spec. */
export interface SourceContext {
  /** The plan node id, for bad records and logs. */
  readonly nodeId: string;
  /** How people know the node: its `.as()` name, else the id (for messages). */
  readonly nodeName?: string;
  /** The declared record type; null when the plan does not know it. */
  readonly schema: Schema | null;
  /**
   * Checks and coerces a raw record (parsed JSON, CSV strings, a Parquet row) to `schema`:
   * ISO strings become Dates, numeric text numbers, unknown keys are dropped; a missing non-null
   * column or a wrong type gives a bad record naming the column. Without a schema, objects pass.
   */
  toRow(record: unknown, position: string): ToRowResult;
  /** Time (`now()`) and timers: virtual in tests. */
  readonly scheduler: SchedulerLike;
  readonly logger: Logger;
  /** Aborted when the pipeline stops; long waits should give up. */
  readonly signal: AbortSignal;
  /**
   * Reads the secrets the spec names (the plan's secrets are loaded before the run starts);
   * absent outside `runPipeline`, where connectors read the environment.
   */
  readonly secrets?: SecretResolver;
}

/** One micro-batch for a sink. */
export interface SinkBatch {
  /** The query's stable id (its `queryName`, or the pipeline name and sink node id). */
  readonly queryId: string;
  /** 0, 1, 2, ... per query; the same batch id always carries the same rows. */
  readonly batchId: number;
  readonly rows: readonly Row[];
  /** The rows' type; null when the plan does not know it. */
  readonly schema: Schema | null;
}

/**
 * Writes micro-batches. A transactional sink must make `writeBatch` idempotent per
 * `(queryId, batchId)`: after a crash the runtime replays the last planned batch, and a sink that
 * already holds it must not write it twice (Delta: app id + version; Postgres: batch id in the same
 * transaction; files: deterministic names written atomically).
 *
 * The runtime awaits each `writeBatch` before it plans the next batch: a slow sink slows the
 * source. It calls `writeBatch` only for batches with rows.
 */
export interface SinkWriter {
  writeBatch(batch: SinkBatch): MaybePromise<void>;
  /**
   * Whether a failed `writeBatch` may succeed if tried again (the service restarting, a lost
   * connection), as opposed to an error that would repeat (a bad password, a missing table). The
   * runtime's circuit breaker retries only these. Absent: errors marked `retryable: true`.
   */
  isRetryable?(error: unknown): boolean;
  /** Flush and release; called once, also on a graceful stop. */
  close(): MaybePromise<void>;
}

/** Rows kept by memory sinks, by sink name (Spark's memory sink table). */
export class MemoryStore {
  private readonly tables = new Map<string, Row[]>();
  /** The last batch id written to a table, by table and query id. */
  private readonly lastBatches = new Map<string, number>();

  /** The rows of table `name` (empty when never written). */
  get(name: string): readonly Row[] {
    return this.tables.get(name) ?? [];
  }

  names(): string[] {
    return [...this.tables.keys()];
  }

  /**
   * Whether batch `batchId` of a query is new to table `name` (and records it): a memory sink
   * writes a batch only once, as a transactional sink does.
   */
  claimBatch(name: string, queryId: string, batchId: number): boolean {
    const key = JSON.stringify([name, queryId]);
    if (batchId <= (this.lastBatches.get(key) ?? -1)) return false;
    this.lastBatches.set(key, batchId);
    return true;
  }

  /** Appends rows (append/update) or replaces the table (complete). */
  write(name: string, rows: readonly Row[], replace: boolean): void {
    const table = this.tables.get(name);
    if (!table || replace) this.tables.set(name, rows.slice());
    else for (const r of rows) table.push(r);
  }
}

/** What a sink factory gets besides its spec. */
export interface SinkContext {
  /** The sink (or the dead-letter policy's) node id. */
  readonly nodeId: string;
  /** How people know the node: its `.as()` name, else the id (for messages). */
  readonly nodeName?: string;
  readonly queryId: string;
  /**
   * The query's checkpoint directory, null without one. A sink that can write transactionally
   * (Kafka) does so when the query has a checkpoint, since only then can a batch be replayed.
   */
  readonly checkpoint: string | null;
  /** How the rows relate to earlier batches: new rows, changed rows, or the whole result. */
  readonly outputMode: OutputMode;
  readonly scheduler: SchedulerLike;
  readonly logger: Logger;
  /** Where memory sinks keep their rows. */
  readonly memory: MemoryStore;
  /** Where the console sink prints. */
  readonly stdout: NodeJS.WritableStream;
  /** Reads the secrets the spec names, as `SourceContext.secrets`. */
  readonly secrets?: SecretResolver;
}

export type SourceSpecOf<K extends SourceType> = Extract<SourceSpec, { type: K }>;
export type SinkSpecOf<K extends SinkType> = Extract<SinkSpec, { type: K }>;

export type SourceFactory<K extends SourceType = SourceType> = (
  spec: SourceSpecOf<K>,
  ctx: SourceContext,
) => MaybePromise<SourceReader>;
export type SinkFactory<K extends SinkType = SinkType> = (
  spec: SinkSpecOf<K>,
  ctx: SinkContext,
) => MaybePromise<SinkWriter>;

/**
 * The packages that bring the connectors the runtime does not have built in. Each exports
 * `registerConnectors(registry: ConnectorRegistry): void`; the CLI imports it when a plan uses
 * one of its types (see `loadConnectorPackages`).
 */
export const connectorPackages: Readonly<Record<string, string>> = Object.freeze({
  kafka: '@pipekit/kafka',
  postgres: '@pipekit/postgres',
  delta: '@pipekit/delta',
  kinesis: '@pipekit/kinesis',
});

/** The shape of a connector package's module. */
export interface ConnectorPackage {
  registerConnectors(registry: ConnectorRegistry): void;
}

/**
 * Maps source and sink `type`s to factories. `ConnectorRegistry.withBuiltins()` (the runtime's
 * default) knows generate, memory, file, console and the memory and file sinks.
 *
 * @example
 * // In @pipekit/kafka:
 * export function registerConnectors(registry: ConnectorRegistry): void {
 *   registry.registerSource('kafka', (spec, ctx) => new KafkaReader(spec, ctx));
 *   registry.registerSink('kafka', (spec, ctx) => new KafkaWriter(spec, ctx));
 * }
 */
export class ConnectorRegistry {
  private readonly sources = new Map<string, unknown>();
  private readonly sinks = new Map<string, unknown>();

  /** Registers (or replaces) the factory for a source type. */
  registerSource<K extends SourceType>(type: K, factory: SourceFactory<K>): this {
    this.sources.set(type, factory);
    return this;
  }

  /** Registers (or replaces) the factory for a sink type. */
  registerSink<K extends SinkType>(type: K, factory: SinkFactory<K>): this {
    this.sinks.set(type, factory);
    return this;
  }

  hasSource(type: string): boolean {
    return this.sources.has(type);
  }

  hasSink(type: string): boolean {
    return this.sinks.has(type);
  }

  /** @throws PipekitError naming the package to install when no factory is registered. */
  source<K extends SourceType>(type: K): SourceFactory<K> {
    const f = this.sources.get(type);
    if (!f) throw unknownConnector('source', type);
    return f as SourceFactory<K>;
  }

  /** @throws PipekitError naming the package to install when no factory is registered. */
  sink<K extends SinkType>(type: K): SinkFactory<K> {
    const f = this.sinks.get(type);
    if (!f) throw unknownConnector('sink', type);
    return f as SinkFactory<K>;
  }
}

/** The error for a connector type nobody registered: names the package that brings it. */
export function unknownConnector(role: 'source' | 'sink', type: string): PipekitError {
  const pkg = connectorPackages[type];
  return new PipekitError(
    pkg
      ? `the plan uses a ${type} ${role}, which comes with ${pkg}: install it (npm install ${pkg}) and run again`
      : `no connector is registered for ${role} type '${type}'`,
  );
}
