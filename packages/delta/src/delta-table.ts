import type { Row, Schema } from '@pipekit/core';
import { type Table, tableFromIPC, tableToIPC } from 'apache-arrow';
import { arrowTableToRows, decodeRows } from './arrow-decode.js';
import { fromDeltaSchemaJson, toDeltaSchemaJson } from './delta-schema.js';
import { callNative, native } from './native.js';
import { registerTableStorage, type TableStorage } from './table-storage.js';
import { writeIpc, writeRows } from './write-rows.js';

/** Options of {@link DeltaTable.create}. */
export interface CreateTableOptions {
  readonly schema: Schema;
  readonly partitionBy?: readonly string[];
  /** Table properties, e.g. `{ 'delta.enableChangeDataFeed': 'true' }`. */
  readonly properties?: Readonly<Record<string, string>>;
  /** `'error'` (default): fail if a table exists; `'ignore'`: keep the existing table. */
  readonly ifExists?: 'error' | 'ignore';
}

/** Options of {@link DeltaTable.write}. */
export interface WriteOptions {
  /** `'append'` (default) adds rows; `'overwrite'` replaces all rows in one commit. */
  readonly mode?: 'append' | 'overwrite';
  /** Add columns present in the batch but not in the table (as nullable columns). */
  readonly mergeSchema?: boolean;
  /** Idempotent writer id; with `appVersion`, a replayed batch is skipped. */
  readonly appId?: string;
  /** Monotonic batch number for `appId`; skipped when the table holds it (or a later one). */
  readonly appVersion?: number;
  /** Schema of the rows; defaults to the table's schema. Needed with `mergeSchema`. */
  readonly schema?: Schema;
  /**
   * Start a new data file once one reaches about this many bytes (default: the table's
   * `delta.targetFileSize`, else one file per write and partition).
   */
  readonly targetFileSize?: number;
  /**
   * Write a log checkpoint when the commit's version is a multiple of this (default: the table's
   * `delta.checkpointInterval`, else 100).
   */
  readonly checkpointInterval?: number;
}

/** Where the time of a write went, in milliseconds. */
export interface WriteTimings {
  /** Encoding rows (or an apache-arrow table) as Arrow IPC on the JS thread; 0 for IPC bytes. */
  readonly encodeMs: number;
  /**
   * Time the addon worked on the write (decoding, parquet, commit); for pipelined batches it
   * overlaps `encodeMs`.
   */
  readonly nativeMs: number;
  /** Time the JS thread waited for the addon: the write took `encodeMs + waitMs`. */
  readonly waitMs: number;
}

/** Outcome of a write. */
export interface WriteResult {
  /** Version after the call: the new commit, or the current version when skipped. */
  readonly version: number;
  /** True when `appId`/`appVersion` was already committed and nothing was written. */
  readonly skipped: boolean;
  readonly filesAdded: number;
  readonly rows: number;
  readonly addedColumns: readonly string[];
  readonly timings: WriteTimings;
}

/** Which version to read: a version number, or the newest version committed at or before a time. */
export interface VersionSelector {
  readonly version?: number;
  readonly timestamp?: Date | number;
}

/** An active data file of a snapshot. */
export interface DataFile {
  readonly path: string;
  readonly size: number;
  readonly partitionValues: Readonly<Record<string, string | null>>;
  readonly modificationTime: number;
  readonly numRecords: number | null;
}

/** What a table looks like at one version. */
export interface TableSnapshot {
  readonly version: number;
  readonly schema: Schema;
  readonly partitionColumns: readonly string[];
  readonly properties: Readonly<Record<string, string>>;
  readonly files: readonly DataFile[];
  readonly minReaderVersion: number;
  readonly minWriterVersion: number;
}

/** One commit of the table history. */
export interface CommitRecord {
  readonly version: number;
  readonly timestamp: Date;
  readonly operation: string | null;
  readonly operationParameters: Readonly<Record<string, unknown>>;
  readonly appTransactions: Readonly<Record<string, number>>;
  readonly isBlindAppend: boolean | null;
}

export type ChangeType = 'insert' | 'delete' | 'update_preimage' | 'update_postimage';

/** A change data feed row: the table's columns plus the change metadata. */
export type ChangeRow = Row & {
  readonly _change_type: ChangeType;
  readonly _commit_version: number;
  readonly _commit_timestamp: Date;
};

/** Options of {@link DeltaTable.vacuum}. */
export interface VacuumOptions {
  /** Keep files removed less than this many hours ago (table default: 7 days). */
  readonly retentionHours?: number;
  readonly dryRun?: boolean;
  /** Refuse a retention shorter than the table's (default true). */
  readonly enforceRetention?: boolean;
  /** Also delete files the log never referenced, e.g. left by failed commits. */
  readonly full?: boolean;
}

/** Outcome of {@link DeltaTable.compact}. */
export interface CompactResult {
  /** The compaction commit, or null when there was nothing to compact. */
  readonly version: number | null;
  readonly filesAdded: number;
  readonly filesRemoved: number;
}

function selector(
  at: VersionSelector | undefined,
): { version?: number; timestampMs?: number } | undefined {
  if (!at) return undefined;
  const timestampMs = at.timestamp instanceof Date ? at.timestamp.getTime() : at.timestamp;
  return { version: at.version, timestampMs };
}

/**
 * A Delta Lake table on the local filesystem or an S3-compatible store (`s3://`, `s3a://`), written and read through pipekit's native addon.
 * Handles are cheap; writes to one table from one process are serialised by the addon, and
 * concurrent writers in other processes are reconciled by Delta's optimistic commits.
 *
 * @example
 * const table = await DeltaTable.create('/tmp/events', {
 *   schema: { fields: [{ name: 'id', type: 'long', nullable: false }] },
 * });
 * await table.write([{ id: 1 }], { appId: 'ingest', appVersion: 1 });
 * const rows = await table.read(); // [{ id: 1 }]
 */
export class DeltaTable {
  #schema: Schema | undefined;
  /** After a failure: true when new credentials were registered and the call may be retried. */
  readonly #reauthenticated: (failure: unknown) => Promise<boolean>;

  private constructor(
    readonly path: string,
    storage?: TableStorage,
  ) {
    this.#reauthenticated = registerTableStorage(path, storage);
  }

  /** An addon call on this table, its errors as `DeltaError`s, retried as `#call` says. */
  #native<T>(call: () => Promise<T>): Promise<T> {
    return this.#call(() => callNative(this.path, call));
  }

  /** An addon call, retried once after an authentication failure that a rotated secret fixes. */
  async #call<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (e) {
      if (await this.#reauthenticated(e)) return call();
      throw e;
    }
  }

  /** Create a table and return a handle to it. */
  static async create(
    path: string,
    options: CreateTableOptions & TableStorage,
  ): Promise<DeltaTable> {
    const table = new DeltaTable(path, options);
    await table.#native(() =>
      native.createTable(path, toDeltaSchemaJson(options.schema), {
        partitionColumns: [...(options.partitionBy ?? [])],
        properties: { ...(options.properties ?? {}) },
        ifExists: options.ifExists,
      }),
    );
    return table;
  }

  /**
   * A handle to the table at `path` without touching storage; every call checks the table then
   * (a sink can hold one before the table exists). `storage`: how to reach an `s3://` table.
   */
  static at(path: string, storage?: TableStorage): DeltaTable {
    return new DeltaTable(path, storage);
  }

  /** Open an existing table; rejects with `NOT_A_TABLE` when `path` holds no Delta table. */
  static async open(path: string, storage?: TableStorage): Promise<DeltaTable> {
    const table = new DeltaTable(path, storage);
    table.#schema = (await table.snapshot()).schema;
    return table;
  }

  /** Describe the table at the latest version, or at a version / time. */
  async snapshot(at?: VersionSelector): Promise<TableSnapshot> {
    const info = await this.#native(() => native.openTable(this.path, selector(at)));
    return {
      version: info.version,
      schema: fromDeltaSchemaJson(info.schemaJson, this.path),
      partitionColumns: info.partitionColumns,
      properties: info.properties,
      files: info.files.map((f) => ({
        path: f.path,
        size: f.size,
        partitionValues: f.partitionValues as Record<string, string | null>,
        modificationTime: f.modificationTime,
        numRecords: f.numRecords ?? null,
      })),
      minReaderVersion: info.minReaderVersion,
      minWriterVersion: info.minWriterVersion,
    };
  }

  /** The latest version. */
  async version(): Promise<number> {
    return (await this.snapshot()).version;
  }

  /** The latest schema. */
  async schema(): Promise<Schema> {
    this.#schema = (await this.snapshot()).schema;
    return this.#schema;
  }

  /**
   * Write one micro-batch of rows as one commit. Batches of more than 32,768 rows are pipelined:
   * each chunk of 16,384 is encoded while the addon writes the previous one into the data files;
   * the commit comes after the last, so readers see all rows or none.
   */
  async write(rows: readonly Row[], options: WriteOptions = {}): Promise<WriteResult> {
    const schema = options.schema ?? this.#schema ?? (await this.schema());
    return this.written(await this.#call(() => writeRows(this.path, rows, schema, options)));
  }

  /** Write an apache-arrow table (or Arrow IPC stream bytes) as one commit. */
  async writeArrow(data: Table | Uint8Array, options: WriteOptions = {}): Promise<WriteResult> {
    const t = performance.now();
    const ipc = data instanceof Uint8Array ? data : tableToIPC(data, 'stream');
    return this.written(
      await this.#call(() => writeIpc(this.path, ipc, options, performance.now() - t)),
    );
  }

  private written(result: WriteResult): WriteResult {
    if (result.addedColumns.length > 0) this.#schema = undefined;
    return result;
  }

  /** All rows at the latest version, or at a version / time. */
  async read(at?: VersionSelector): Promise<Row[]> {
    return decodeRows(await this.#native(() => native.read(this.path, selector(at))));
  }

  /** All rows as an apache-arrow table. */
  async readArrow(at?: VersionSelector): Promise<Table> {
    return tableFromIPC(await this.#native(() => native.read(this.path, selector(at))));
  }

  /**
   * Rows added by the commits `from..=to` (to: latest), in the schema of version `to`. Rejects
   * with `INVALID_ARGUMENT` when a commit in the range removed rows (use `readChangeFeed`).
   */
  async readVersions(from: number, to?: number): Promise<Row[]> {
    return decodeRows(await this.#native(() => native.readVersions(this.path, from, to)));
  }

  /** Change data feed of `from..=to`; needs `delta.enableChangeDataFeed=true`. */
  async readChangeFeed(from: number, to?: number): Promise<ChangeRow[]> {
    const ipc = await this.#native(() => native.readChangeFeed(this.path, from, to));
    return arrowTableToRows(tableFromIPC(ipc)) as ChangeRow[];
  }

  /** The last `appVersion` committed for `appId`, or null. */
  async appTransactionVersion(appId: string): Promise<number | null> {
    const v = await this.#native(() => native.appTransactionVersion(this.path, appId));
    return v ?? null;
  }

  /** Commits, newest first. */
  async history(limit?: number): Promise<CommitRecord[]> {
    const entries = await this.#native(() => native.history(this.path, limit));
    return entries.map((e) => ({
      version: e.version,
      timestamp: new Date(e.timestamp),
      operation: e.operation ?? null,
      operationParameters: e.operationParametersJson
        ? (JSON.parse(e.operationParametersJson) as Record<string, unknown>)
        : {},
      appTransactions: e.appTransactions,
      isBlindAppend: e.isBlindAppend ?? null,
    }));
  }

  /** Write a checkpoint of the latest version; returns that version. */
  async checkpoint(): Promise<number> {
    return this.#native(() => native.checkpoint(this.path));
  }

  /** Delete unreferenced data files; returns the deleted (dry run: deletable) paths. */
  async vacuum(options: VacuumOptions = {}): Promise<string[]> {
    return this.#native(() => native.vacuum(this.path, { ...options }));
  }

  /** Rewrite files smaller than `targetSize` bytes (default 128 MiB) per partition. */
  async compact(options: { readonly targetSize?: number } = {}): Promise<CompactResult> {
    const r = await this.#native(() => native.compact(this.path, options.targetSize));
    return { version: r.version ?? null, filesAdded: r.filesAdded, filesRemoved: r.filesRemoved };
  }
}
