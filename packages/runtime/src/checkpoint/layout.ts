import { join } from 'node:path';

/** The version of the checkpoint format written in every file; another version is refused. */
export const checkpointVersion = 1;

/** How many batches the logs and state keep by default (Spark's `minBatchesToRetain`). */
export const defaultBatchesToRetain = 100;

/**
 * Where a query's checkpoint keeps what, as Spark's `checkpointLocation`:
 *
 * ```
 * <dir>/metadata                    the query this checkpoint belongs to
 * <dir>/offsets/<batchId>           written before a batch runs: each source's planned range
 * <dir>/commits/<batchId>           written after every sink of the query has the batch
 * <dir>/state/<batchId>/<id>.json   each stateful operator's snapshot after the batch
 * <dir>/sources/<id>.json           each source's starting offset, fixed when the query first ran
 * ```
 */
export interface CheckpointLayout {
  readonly root: string;
  readonly metadata: string;
  readonly offsetsDir: string;
  readonly commitsDir: string;
  readonly stateDir: string;
  readonly sourcesDir: string;
  sourceFile(sourceId: string): string;
  stateBatchDir(batchId: number): string;
  stateFile(batchId: number, stateId: string): string;
}

export function checkpointLayout(root: string): CheckpointLayout {
  const stateDir = join(root, 'state');
  const sourcesDir = join(root, 'sources');
  return Object.freeze({
    root,
    metadata: join(root, 'metadata'),
    offsetsDir: join(root, 'offsets'),
    commitsDir: join(root, 'commits'),
    stateDir,
    sourcesDir,
    // Source ids are plan node ids; encoded as state files are.
    sourceFile: (sourceId: string) => join(sourcesDir, `${encodeURIComponent(sourceId)}.json`),
    stateBatchDir: (batchId: number) => join(stateDir, String(batchId)),
    // Operator ids are plan node ids; encoded anyway so no id can leave the directory.
    stateFile: (batchId: number, stateId: string) =>
      join(stateDir, String(batchId), `${encodeURIComponent(stateId)}.json`),
  });
}

/** The batch id a log file or state directory is named by; null for any other name. */
export function batchIdOf(name: string): number | null {
  return /^(0|[1-9]\d{0,15})$/.test(name) ? Number(name) : null;
}

/** Temporary files of an atomic write (`.name.tmp`); a crash may leave them behind. */
export function isTempFile(name: string): boolean {
  return name.startsWith('.') && name.endsWith('.tmp');
}
