import type { IssuePath, OutputMode, Trigger } from '@pipekit/core';
import type { Ctx } from './context.js';
import type { QueryDraft } from './ir.js';
import { stringTrigger } from './values.js';

export type FileFormat = 'jsonl' | 'csv' | 'parquet';

const formats: Readonly<Record<string, FileFormat>> = {
  json: 'jsonl',
  jsonl: 'jsonl',
  ndjson: 'jsonl',
  csv: 'csv',
  parquet: 'parquet',
};
const supportedFormats = 'json, csv, parquet';

/** A file format by name, or from the path's extension (`*.parquet`); Spark's JSON reader reads JSON lines. */
export function fileFormat(
  ctx: Ctx,
  format: string | undefined,
  file: string,
  path: IssuePath,
  formatPath: IssuePath,
): FileFormat {
  if (format !== undefined) {
    const f = formats[format.toLowerCase()];
    if (f === undefined) ctx.fail(formatPath, `unknown file format '${format}'`, supportedFormats);
    return f;
  }
  const ext = /\.([a-z0-9]+)$/i.exec(file)?.[1]?.toLowerCase();
  const f = ext === undefined ? undefined : formats[ext];
  if (f === undefined)
    ctx.fail(
      path,
      `cannot tell the file format of '${file}' from its extension: give format`,
      supportedFormats,
    );
  return f;
}

export interface QueryKeys {
  readonly checkpointLocation?: string | undefined;
  readonly outputMode?: OutputMode | undefined;
  readonly trigger?: string | undefined;
  readonly queryName?: string | undefined;
}

/** A step-list load's query settings. */
export function stepQuery(ctx: Ctx, keys: QueryKeys, path: IssuePath): QueryDraft {
  const trigger: Trigger | undefined =
    keys.trigger === undefined ? undefined : stringTrigger(ctx, keys.trigger, [...path, 'trigger']);
  return {
    ...(trigger ? { trigger } : {}),
    ...(keys.outputMode === undefined ? {} : { outputMode: keys.outputMode }),
    ...(keys.checkpointLocation === undefined ? {} : { checkpoint: keys.checkpointLocation }),
    ...(keys.queryName === undefined ? {} : { queryName: keys.queryName }),
  };
}
