import { createHash } from 'node:crypto';
import type { FileSinkSpec, Schema } from '@pipekit/core';
import type { SinkBatch, SinkContext, SinkWriter } from '../connector.js';
import { formatCsv } from '../formats/csv.js';
import { formatJsonLines } from '../formats/jsonl.js';
import { formatParquet } from '../formats/parquet.js';
import type { Row } from '../row.js';
import type { FileLocation } from './file-location.js';
import { fileLocationOf } from './file-source.js';

const extensionOf: Record<FileSinkSpec['format'], string> = {
  jsonl: 'jsonl',
  csv: 'csv',
  parquet: 'parquet',
};

function partitionValue(v: unknown): string {
  if (v === null || v === undefined) return '__HIVE_DEFAULT_PARTITION__';
  const s = v instanceof Date ? v.toISOString() : String(v);
  return encodeURIComponent(s);
}

/**
 * Writes each batch as new part files in a directory or under an `s3://` prefix (`col=value/`
 * subdirectories with `partitionBy`, the partition columns left out of the files, as Spark does).
 * A local file is written under a temporary name and renamed, an object in one PUT, so a reader
 * (or a stop in the middle) never sees half a file. Its name comes from the batch id and (query id, sink): `part-00007-<tag>.jsonl`. A file
 * that exists already is not written again, so the batch a restart replays from its checkpoint
 * (the same rows, by the checkpoint's contract) adds nothing twice, also when a crash stopped it
 * between two partition files.
 */
export class FileWriter implements SinkWriter {
  private readonly queryTag: string;
  private readonly files: FileLocation;

  constructor(
    private readonly spec: FileSinkSpec,
    ctx: SinkContext,
  ) {
    this.files = fileLocationOf(spec, ctx.secrets, `file sink ${ctx.nodeId}: sink.s3`);
    this.queryTag = createHash('sha256')
      .update(ctx.queryId)
      .update(ctx.nodeId)
      .digest('hex')
      .slice(0, 8);
  }

  async writeBatch(batch: SinkBatch): Promise<void> {
    const { partitionBy } = this.spec;
    if (partitionBy.length === 0) {
      await this.writeFile(this.spec.path, batch.rows, batch.schema, batch.batchId);
      return;
    }
    const groups = new Map<string, Row[]>();
    for (const r of batch.rows) {
      const dir = partitionBy.map((c) => `${c}=${partitionValue(r[c])}`).join('/');
      let g = groups.get(dir);
      if (!g) {
        g = [];
        groups.set(dir, g);
      }
      const rest: Row = {};
      for (const k in r) if (!partitionBy.includes(k)) rest[k] = r[k];
      g.push(rest);
    }
    const schema = batch.schema
      ? { fields: batch.schema.fields.filter((f) => !partitionBy.includes(f.name)) }
      : null;
    for (const [dir, rows] of groups)
      await this.writeFile(this.files.join(this.spec.path, dir), rows, schema, batch.batchId);
  }

  private async writeFile(
    dir: string,
    rows: readonly Row[],
    schema: Schema | null,
    batchId: number,
  ): Promise<void> {
    const name = `part-${String(batchId).padStart(5, '0')}-${this.queryTag}.${extensionOf[this.spec.format]}`;
    await this.files.writeIfAbsent(dir, name, this.encode(rows, schema));
  }

  private encode(rows: readonly Row[], schema: Schema | null): string | Uint8Array {
    switch (this.spec.format) {
      case 'jsonl':
        return formatJsonLines(rows);
      case 'csv':
        return formatCsv(
          rows,
          schema?.fields.map((f) => f.name) ?? [...new Set(rows.flatMap((r) => Object.keys(r)))],
        );
      case 'parquet':
        return formatParquet(rows, schema);
    }
  }

  close(): void {}
}
