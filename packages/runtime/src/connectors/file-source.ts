import { readFile, stat } from 'node:fs/promises';
import { extname, relative, resolve } from 'node:path';
import { type FileSourceSpec, PipekitError } from '@pipekit/core';
import type { Offset, ReadLimits, ReadResult, SourceContext, SourceReader } from '../connector.js';
import { parseCsv } from '../formats/csv.js';
import { parseJsonLines } from '../formats/jsonl.js';
import { readParquet } from '../formats/parquet.js';
import type { BadRecord, Row } from '../row.js';
import { isGlob, listFiles } from './glob.js';

const extensions: Record<FileSourceSpec['format'], readonly string[]> = {
  jsonl: ['.jsonl', '.json', '.ndjson'],
  csv: ['.csv', '.tsv', '.txt'],
  parquet: ['.parquet'],
};

/**
 * JSON lines, CSV or Parquet files: a file, a glob or a directory read once, or (`watch`) a
 * directory whose new files become batches. A file is the unit of a batch (`maxFilesPerTrigger`
 * files at most; all when absent). The offset is the number of files taken from the log of files
 * in the order they were found, so a range always names the same files.
 *
 * Files must appear whole (written elsewhere, then moved in), as for Spark's file source; names
 * starting with `.` or `_` are skipped.
 */
export class FileReader implements SourceReader {
  /** Every file found so far, in the order batches take them. */
  private readonly log: string[] = [];
  private readonly seen = new Set<string>();
  private cap: number | undefined;

  private constructor(
    private readonly spec: FileSourceSpec,
    private readonly ctx: SourceContext,
  ) {}

  static async open(spec: FileSourceSpec, ctx: SourceContext): Promise<FileReader> {
    const reader = new FileReader(spec, ctx);
    if (!spec.watch) {
      await reader.scan();
      if (reader.log.length === 0)
        throw new PipekitError(
          `file source ${ctx.nodeId}: no ${spec.format} files at '${spec.path}'`,
          [{ path: ['source', 'path'], message: 'the path matches no file' }],
        );
    } else if (!(await stat(spec.path).catch(() => null))?.isDirectory()) {
      throw new PipekitError(
        `file source ${ctx.nodeId}: '${spec.path}' is not a directory to watch`,
        [{ path: ['source', 'path'], message: 'watch needs a directory' }],
      );
    }
    return reader;
  }

  private async scan(): Promise<void> {
    const exts = extensions[this.spec.format];
    const named = resolve(this.spec.path);
    // A directory holds other files too; a file or a glob the user named is taken as it is.
    const found = (await listFiles(this.spec.path)).filter(
      (f) => exts.includes(extname(f).toLowerCase()) || f === named || isGlob(this.spec.path),
    );
    for (const f of found) {
      if (this.seen.has(f)) continue;
      this.seen.add(f);
      this.log.push(f);
    }
  }

  initialOffset(): Offset {
    return 0;
  }

  async planBatch(start: Offset, limits: ReadLimits): Promise<Offset | null> {
    if (this.spec.watch && this.cap === undefined) await this.scan();
    const from = start as number;
    const upTo = this.cap ?? this.log.length;
    const max = limits.allAvailable
      ? upTo
      : Math.min(upTo, from + (this.spec.maxFilesPerTrigger ?? upTo));
    return max > from ? max : null;
  }

  async readBatch(start: Offset, end: Offset): Promise<ReadResult> {
    const rows: Row[] = [];
    const badRecords: BadRecord[] = [];
    for (const file of this.log.slice(start as number, end as number)) {
      const r = await this.readFile(file);
      for (const x of r.rows) rows.push(x);
      for (const x of r.badRecords) badRecords.push(x);
    }
    return { rows, badRecords };
  }

  private async readFile(file: string): Promise<{ rows: Row[]; badRecords: BadRecord[] }> {
    const name = relative(process.cwd(), file) || file;
    const { toRow, nodeId, schema } = this.ctx;
    switch (this.spec.format) {
      case 'jsonl':
        return parseJsonLines(await readFile(file, 'utf8'), name, toRow, nodeId);
      case 'csv':
        return parseCsv(
          await readFile(file, 'utf8'),
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
          raw = await readParquet(file);
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
    return !this.spec.watch && (offset as number) >= this.log.length;
  }

  async prepareForAvailableNow(): Promise<void> {
    if (this.spec.watch) await this.scan();
    this.cap = this.log.length;
  }

  close(): void {}
}
