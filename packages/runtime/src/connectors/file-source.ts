import { extname, resolve } from 'node:path';
import { type FileSourceSpec, isObjectStoreUrl, PipekitError } from '@pipekit/core';
import type { Offset, ReadLimits, ReadResult, SourceContext, SourceReader } from '../connector.js';
import { parseCsv } from '../formats/csv.js';
import { parseJsonLines } from '../formats/jsonl.js';
import { readParquetBytes } from '../formats/parquet.js';
import { s3ClientFor } from '../object-store/s3-files.js';
import type { BadRecord, Row } from '../row.js';
import { type FileLocation, localFiles, s3Files } from './file-location.js';
import { isGlob } from './glob.js';

/**
 * A text file's content without a leading UTF-8 byte order mark: editors on Windows and Excel's
 * "CSV UTF-8" write one, and kept it would be part of the first column's name (or make the first
 * JSON line unparseable), turning every row into a bad record.
 */
function textOf(bytes: Uint8Array): string {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Where a file connector's path is: a bucket (with the spec's `s3` options) or this machine. */
export function fileLocationOf(
  spec: { path: string; s3?: FileSourceSpec['s3'] },
  secrets: SourceContext['secrets'],
  where: string,
): FileLocation {
  return isObjectStoreUrl(spec.path) ? s3Files(s3ClientFor(spec.s3, secrets, where)) : localFiles;
}

const extensions: Record<FileSourceSpec['format'], readonly string[]> = {
  jsonl: ['.jsonl', '.json', '.ndjson'],
  csv: ['.csv', '.tsv', '.txt'],
  parquet: ['.parquet'],
};

/** The files an offset names; anything else is not an offset of this source. */
function filesOf(offset: Offset, nodeId: string): readonly string[] {
  if (Array.isArray(offset) && offset.every((f) => typeof f === 'string'))
    return offset as string[];
  throw new PipekitError(
    `file source ${nodeId}: the offset ${JSON.stringify(offset)} is not a list of files (a checkpoint of another source?)`,
  );
}

/**
 * JSON lines, CSV or Parquet files: a file, a glob or a directory read once, or (`watch`) a
 * directory whose new files become batches. A file is the unit of a batch (`maxFilesPerTrigger`
 * files at most; all when absent), taken in the order found. The offset is the sorted list of the
 * files taken so far (relative to the source's directory), so a checkpointed range names the same
 * files after a restart, whatever order a new listing finds them in.
 *
 * Files must appear whole (written elsewhere, then moved in), as for Spark's file source; names
 * starting with `.` or `_` are skipped.
 */
export class FileReader implements SourceReader {
  /** Every file found so far (relative to `base`), in the order batches take them. */
  private readonly log: string[] = [];
  private readonly seen = new Set<string>();
  /** Under `availableNow`: how many files of the log there were when the trigger started. */
  private cap: number | undefined;
  /** The last offset turned into a set: the loop asks about the same offset several times. */
  private memo: { offset: Offset; files: ReadonlySet<string> } | null = null;

  private constructor(
    private readonly spec: FileSourceSpec,
    private readonly ctx: SourceContext,
    private readonly files: FileLocation,
    /**
     * The directory files are named relative to in offsets, so a checkpoint stays valid when the
     * tree moves: a directory itself, a file's directory, a glob's part before its wildcards.
     */
    private readonly base: string,
  ) {}

  static async open(spec: FileSourceSpec, ctx: SourceContext): Promise<FileReader> {
    const files = fileLocationOf(spec, ctx.secrets, `file source ${ctx.nodeId}: source.s3`);
    const reader = new FileReader(spec, ctx, files, await files.base(spec.path));
    if (!spec.watch) {
      await reader.scan();
      if (reader.log.length === 0)
        throw new PipekitError(
          `file source ${ctx.nodeId}: no ${spec.format} files at '${spec.path}'`,
          [{ path: ['source', 'path'], message: 'the path matches no file' }],
        );
    } else if (!(await files.watchable(spec.path))) {
      throw new PipekitError(
        `file source ${ctx.nodeId}: '${spec.path}' is not a directory to watch`,
        [{ path: ['source', 'path'], message: 'watch needs a directory' }],
      );
    }
    return reader;
  }

  private async scan(): Promise<void> {
    const exts = extensions[this.spec.format];
    const named = isObjectStoreUrl(this.spec.path) ? this.spec.path : resolve(this.spec.path);
    // A directory holds other files too; a file or a glob the user named is taken as it is.
    const found = (await this.files.list(this.spec.path)).filter(
      (f) => exts.includes(extname(f).toLowerCase()) || f === named || isGlob(this.spec.path),
    );
    for (const abs of found) {
      const f = this.files.relative(this.base, abs);
      if (this.seen.has(f)) continue;
      this.seen.add(f);
      this.log.push(f);
    }
  }

  private taken(offset: Offset): ReadonlySet<string> {
    if (this.memo?.offset !== offset)
      this.memo = { offset, files: new Set(filesOf(offset, this.ctx.nodeId)) };
    return this.memo.files;
  }

  initialOffset(): Offset {
    return [];
  }

  async planBatch(start: Offset, limits: ReadLimits): Promise<Offset | null> {
    if (this.spec.watch && this.cap === undefined) await this.scan();
    const done = this.taken(start);
    const upTo = this.cap ?? this.log.length;
    const max = limits.allAvailable
      ? Number.POSITIVE_INFINITY
      : (this.spec.maxFilesPerTrigger ?? Number.POSITIVE_INFINITY);
    const next: string[] = [];
    for (let i = 0; i < upTo && next.length < max; i++) {
      const f = this.log[i]!;
      if (!done.has(f)) next.push(f);
    }
    return next.length > 0 ? [...done, ...next].sort() : null;
  }

  async readBatch(start: Offset, end: Offset): Promise<ReadResult> {
    const rows: Row[] = [];
    const badRecords: BadRecord[] = [];
    const before = this.taken(start);
    // Sorted, so a replay after a restart reads the files in the same order.
    const files = filesOf(end, this.ctx.nodeId).filter((f) => !before.has(f));
    for (const name of files) {
      const r = await this.readFile(this.files.join(this.base, name));
      for (const x of r.rows) rows.push(x);
      for (const x of r.badRecords) badRecords.push(x);
    }
    return { rows, badRecords };
  }

  private async readFile(file: string): Promise<{ rows: Row[]; badRecords: BadRecord[] }> {
    const name = this.files.display(file);
    const { toRow, nodeId, schema } = this.ctx;
    const bytes = await this.files.read(file);
    switch (this.spec.format) {
      case 'jsonl':
        return parseJsonLines(textOf(bytes), name, toRow, nodeId);
      case 'csv':
        return parseCsv(
          textOf(bytes),
          name,
          {
            header: this.spec.header,
            delimiter: this.spec.delimiter,
            columns: schema?.fields.map((f) => f.name) ?? null,
          },
          toRow,
          nodeId,
        );
      case 'parquet': {
        let raw: Row[];
        try {
          raw = await readParquetBytes(bytes);
        } catch (e) {
          return {
            rows: [],
            badRecords: [
              {
                reason: `not a Parquet file: ${(e as Error).message}`,
                node: nodeId,
                position: name,
                record: null,
              },
            ],
          };
        }
        const rows: Row[] = [];
        const badRecords: BadRecord[] = [];
        raw.forEach((rec, i) => {
          const r = toRow(rec, `${name}#${i}`);
          if (r.ok) rows.push(r.row);
          else badRecords.push(r.bad);
        });
        return { rows, badRecords };
      }
    }
  }

  commit(): void {}

  isExhausted(offset: Offset): boolean {
    if (this.spec.watch) return false;
    const done = this.taken(offset);
    return this.log.every((f) => done.has(f));
  }

  async prepareForAvailableNow(): Promise<void> {
    if (this.spec.watch) await this.scan();
    this.cap = this.log.length;
  }

  close(): void {}
}
