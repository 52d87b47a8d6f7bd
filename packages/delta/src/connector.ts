/**
 * The `delta` source and sink of the runtime, over {@link DeltaTable}.
 *
 * - Sink: one commit per micro-batch. With a checkpoint, each batch is written with
 *   `appId = queryId` and `appVersion = batchId`, so a batch replayed after a crash is skipped by
 *   the table (exactly once). The table is created from the first batch's schema when missing.
 *   `targetFileSize` rolls data files within a batch; `checkpointInterval` checkpoints the log
 *   after commits whose version is a multiple of it.
 * - Source: a version of the table as one bounded batch, or (`stream: true`) one micro-batch per
 *   new commit; offsets are table versions.
 */

import type { Row } from '@pipekit/core';
import { type DeltaSinkSpec, type DeltaSourceSpec, PipekitError } from '@pipekit/core';
import type {
  BadRecord,
  ConnectorRegistry,
  Offset,
  ReadLimits,
  ReadResult,
  SinkBatch,
  SinkContext,
  SinkWriter,
  SourceContext,
  SourceReader,
} from '@pipekit/runtime';
import { DeltaError } from './delta-errors.js';
import { DeltaTable, type WriteResult } from './delta-table.js';
import type { TableStorage } from './table-storage.js';

const changeColumns = ['_change_type', '_commit_version', '_commit_timestamp'] as const;

/** The spec's object-store options with the run's secret resolver. */
function storageOf(
  spec: DeltaSinkSpec | DeltaSourceSpec,
  ctx: SinkContext | SourceContext,
): TableStorage {
  return {
    ...(spec.s3 ? { s3: spec.s3 } : {}),
    ...(ctx.secrets ? { secrets: ctx.secrets } : {}),
  };
}

function isMissingTable(e: unknown): boolean {
  return e instanceof DeltaError && e.code === 'NOT_A_TABLE';
}

/** Writes micro-batches to a Delta table, one commit a batch. */
export class DeltaWriter implements SinkWriter {
  private readonly table: DeltaTable;
  private ready = false;

  constructor(
    private readonly spec: DeltaSinkSpec,
    private readonly ctx: SinkContext,
  ) {
    this.table = DeltaTable.at(spec.path, storageOf(spec, ctx));
  }

  /** The write of the last batch (skipped: already committed), for tests and logs. */
  lastWrite: WriteResult | null = null;

  async writeBatch(batch: SinkBatch): Promise<void> {
    if (!this.ready) await this.ensureTable(batch);
    const mode = this.ctx.outputMode === 'complete' ? 'overwrite' : this.spec.mode;
    // Batch ids are only durable (and so only replayed) when the query has a checkpoint; without
    // one they restart at 0 every run and would wrongly match an earlier run's app version.
    const idempotence =
      this.ctx.checkpoint === null ? {} : { appId: batch.queryId, appVersion: batch.batchId };
    const result = await this.table.write(batch.rows, {
      mode,
      mergeSchema: this.spec.mergeSchema,
      ...(this.spec.mergeSchema && batch.schema ? { schema: batch.schema } : {}),
      ...idempotence,
      targetFileSize: this.spec.targetFileSize,
      checkpointInterval: this.spec.checkpointInterval,
    });
    this.lastWrite = result;
    if (result.skipped) {
      this.ctx.logger.info(
        { table: this.spec.path, batchId: batch.batchId, version: result.version },
        'delta sink: batch already committed, skipped',
      );
      return;
    }
    this.ctx.logger.debug(
      {
        table: this.spec.path,
        batchId: batch.batchId,
        version: result.version,
        rows: result.rows,
        files: result.filesAdded,
        ...result.timings,
      },
      'delta sink: batch committed',
    );
  }

  private async ensureTable(batch: SinkBatch): Promise<void> {
    try {
      await this.table.snapshot();
    } catch (e) {
      if (!isMissingTable(e)) throw e;
      if (!batch.schema) {
        throw new PipekitError(
          `delta sink ${this.ctx.nodeId}: ${this.spec.path} holds no table and the rows have no known schema to create it from; declare the source schema or create the table first`,
        );
      }
      // The target file size is recorded on the table, so `pipe delta optimize` (and other
      // writers) aim at the same size; explicit properties win.
      const size = this.spec.targetFileSize;
      await DeltaTable.create(this.spec.path, {
        schema: batch.schema,
        partitionBy: this.spec.partitionBy,
        properties: {
          ...(size === undefined ? {} : { 'delta.targetFileSize': String(size) }),
          ...this.spec.properties,
        },
        ifExists: 'ignore',
        ...storageOf(this.spec, this.ctx),
      });
    }
    this.ready = true;
  }

  close(): void {}
}

/** Offsets are table versions: the last version read, -1 before the first. */
export class DeltaReader implements SourceReader {
  private readonly table: DeltaTable;
  private availableNow: number | null = null;

  constructor(
    private readonly spec: DeltaSourceSpec,
    private readonly ctx: SourceContext,
  ) {
    this.table = DeltaTable.at(spec.path, storageOf(spec, ctx));
  }

  initialOffset(): Offset {
    return this.spec.stream && this.spec.startingVersion !== undefined
      ? this.spec.startingVersion - 1
      : -1;
  }

  async planBatch(start: Offset, limits: ReadLimits): Promise<Offset | null> {
    const from = start as number;
    if (!this.spec.stream) {
      if (from >= 0) return null;
      const at =
        this.spec.version !== undefined
          ? { version: this.spec.version }
          : this.spec.timestamp !== undefined
            ? { timestamp: new Date(this.spec.timestamp) }
            : undefined;
      return (await this.table.snapshot(at)).version;
    }
    let latest: number;
    try {
      latest = await this.table.version();
    } catch (e) {
      if (isMissingTable(e)) return null; // not created yet: wait for it
      throw e;
    }
    if (this.availableNow !== null) latest = Math.min(latest, this.availableNow);
    if (this.spec.endingVersion !== undefined) latest = Math.min(latest, this.spec.endingVersion);
    if (latest <= from) return null;
    // The first batch without a startingVersion is the snapshot; then one commit a batch.
    if (from < 0 && this.spec.startingVersion === undefined) return latest;
    return limits.allAvailable ? latest : from + 1;
  }

  async readBatch(start: Offset, end: Offset): Promise<ReadResult> {
    const from = start as number;
    const to = end as number;
    let raw: readonly Row[];
    if (this.spec.readChangeFeed) {
      const first = this.spec.stream ? from + 1 : (this.spec.startingVersion ?? 0);
      raw = await this.table.readChangeFeed(
        Math.max(0, first),
        this.spec.stream ? to : (this.spec.endingVersion ?? to),
      );
    } else if (!this.spec.stream || (from < 0 && this.spec.startingVersion === undefined)) {
      raw = await this.table.read({ version: to });
    } else {
      raw = await this.table.readVersions(from + 1, to);
    }
    return this.toRows(raw, to);
  }

  private toRows(raw: readonly Row[], version: number): ReadResult {
    if (!this.ctx.schema) return { rows: raw };
    const rows: Row[] = [];
    const badRecords: BadRecord[] = [];
    for (const [i, r] of raw.entries()) {
      const out = this.ctx.toRow(r, `${this.spec.path}@v${version}#${i}`);
      if (!out.ok) {
        badRecords.push(out.bad);
        continue;
      }
      if (!this.spec.readChangeFeed) rows.push(out.row);
      else {
        const meta: Row = {};
        for (const c of changeColumns) meta[c] = r[c];
        rows.push({ ...out.row, ...meta });
      }
    }
    return badRecords.length > 0 ? { rows, badRecords } : { rows };
  }

  commit(): void {}

  isExhausted(offset: Offset): boolean {
    const v = offset as number;
    if (!this.spec.stream) return v >= 0;
    return this.spec.endingVersion !== undefined && v >= this.spec.endingVersion;
  }

  async prepareForAvailableNow(): Promise<void> {
    try {
      this.availableNow = await this.table.version();
    } catch (e) {
      if (!isMissingTable(e)) throw e;
      this.availableNow = -1;
    }
  }

  close(): void {}
}

/**
 * Registers the `delta` source and sink.
 *
 * @example
 * import { defaultConnectors } from '@pipekit/runtime';
 * import { registerConnectors } from '@pipekit/delta';
 * const registry = defaultConnectors();
 * registerConnectors(registry); // plans may now use source.delta / sink.delta
 */
export function registerConnectors(registry: ConnectorRegistry): void {
  registry
    .registerSource('delta', (spec, ctx) => new DeltaReader(spec, ctx))
    .registerSink('delta', (spec, ctx) => new DeltaWriter(spec, ctx));
}
