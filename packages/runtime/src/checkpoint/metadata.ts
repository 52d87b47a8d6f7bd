import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { type AtomicWriteSteps, makeDirDurable } from './atomic-write.js';
import { foreignCheckpoint } from './errors.js';
import { readJsonFile, writeJsonFile } from './json-file.js';
import { type CheckpointLayout, checkpointVersion } from './layout.js';

/** `metadata`: which query a checkpoint belongs to, written once when it is created. */
export const checkpointMetadataSchema = z.strictObject({
  version: z.literal(checkpointVersion),
  /** Unique per checkpoint (Spark's query id). */
  id: z.uuid(),
  /** The query id sinks see (`SinkBatch.queryId`): their idempotence is keyed by it. */
  queryId: z.string(),
  pipeline: z.string(),
  /** The source node ids whose offsets the logs hold. */
  sources: z.array(z.string()),
  createdAt: z.iso.datetime(),
});
export type CheckpointMetadata = z.output<typeof checkpointMetadataSchema>;

export interface QueryIdentity {
  readonly queryId: string;
  readonly pipeline: string;
  readonly sources: readonly string[];
}

/**
 * Reads the checkpoint's metadata, creating it for a new checkpoint. A checkpoint of another query
 * (another pipeline, query id or set of sources) is refused: its offsets mean nothing here.
 */
export async function openMetadata(
  layout: CheckpointLayout,
  query: QueryIdentity,
  now: number,
  steps?: AtomicWriteSteps,
): Promise<CheckpointMetadata> {
  const existing = await readJsonFile(layout.metadata, checkpointMetadataSchema);
  if (existing === null) {
    await makeDirDurable(layout.root, steps);
    const created: CheckpointMetadata = {
      version: checkpointVersion,
      id: randomUUID(),
      queryId: query.queryId,
      pipeline: query.pipeline,
      sources: [...query.sources].sort(),
      createdAt: new Date(now).toISOString(),
    };
    await writeJsonFile(layout.metadata, created, steps);
    return created;
  }
  const fix = 'give each query its own checkpoint directory';
  if (existing.pipeline !== query.pipeline || existing.queryId !== query.queryId)
    throw foreignCheckpoint(
      layout.metadata,
      `it was written by query '${existing.queryId}' of pipeline '${existing.pipeline}', not by query '${query.queryId}' of pipeline '${query.pipeline}'`,
      fix,
    );
  const sources = [...query.sources].sort();
  if (JSON.stringify(sources) !== JSON.stringify(existing.sources))
    throw foreignCheckpoint(
      layout.metadata,
      `its offsets are for sources ${existing.sources.join(', ')}; this query reads ${sources.join(', ')}`,
      `${fix}, or delete it to start over`,
    );
  return existing;
}
