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

/** The extensions the runtime's file source takes from a watched directory, by format. */
const watchedExtensions: Readonly<Record<FileFormat, readonly string[]>> = {
  jsonl: ['.jsonl', '.json', '.ndjson'],
  csv: ['.csv', '.tsv', '.txt'],
  parquet: ['.parquet'],
};

/**
 * The path a stream of files watches. Spark streams a glob (`s3a://b/in/*.json`); pipekit watches
 * a directory and takes its new files of the format. A glob that only picks the files of one
 * directory by extension becomes that directory, with a comment; any other glob is kept, with a
 * warning, since the stream would refuse it when it starts.
 */
export function watchedPath(
  ctx: Ctx,
  path: string,
  format: FileFormat,
  at: IssuePath,
): { path: string; comments: string[] } {
  if (!/[*?[]/.test(path)) return { path, comments: [] };
  const m = /^([^*?[]*\/)\*(\.[A-Za-z0-9]+)?$/.exec(path);
  const exts = watchedExtensions[format];
  if (m && (m[2] === undefined || exts.includes(m[2].toLowerCase())))
    return {
      path: m[1]!,
      comments: [
        `Spark streamed the files of '${path}'; pipekit watches the directory and takes its new ${exts.join(', ')} files.`,
      ],
    };
  ctx.check(
    at,
    `'${path}' is a glob: a pipekit file stream watches one directory and would refuse it when it starts; give the directory the files arrive in`,
  );
  return { path, comments: [] };
}
