import { resolve } from 'node:path';
import type { FileSourceSpec, Schema } from '@pipekit/core';
import { type RelationInit, relation } from '../messages.js';
import { sparkSchemaJson } from '../schema-json.js';

const formats = { jsonl: 'json', csv: 'csv', parquet: 'parquet' } as const;

/** A local path as an absolute one (the server resolves relative paths against its own directory). */
export function serverPath(path: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(path) ? path : resolve(path);
}

/**
 * Spark's file sources with the plan's schema (never inferred, as the local runtime). A watched
 * directory is a streaming read of new files, `maxFilesPerTrigger` at a time.
 */
export function fileRelation(spec: FileSourceSpec, schema: Schema | null): RelationInit {
  const options: Record<string, string> = {};
  if (spec.format === 'csv') {
    options.header = String(spec.header);
    options.sep = spec.delimiter;
  }
  if (spec.maxFilesPerTrigger !== undefined)
    options.maxFilesPerTrigger = String(spec.maxFilesPerTrigger);
  return relation('read', {
    isStreaming: spec.watch,
    readType: {
      case: 'dataSource',
      value: {
        format: formats[spec.format],
        options,
        paths: [serverPath(spec.path)],
        ...(schema ? { schema: sparkSchemaJson(schema) } : {}),
      },
    },
  });
}
