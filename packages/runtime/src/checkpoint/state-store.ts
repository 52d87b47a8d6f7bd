import { readdir, rm } from 'node:fs/promises';
import { z } from 'zod';
import type { Stateful } from '../state/stateful.js';
import { type AtomicWriteSteps, makeDirDurable } from './atomic-write.js';
import { damagedCheckpointFile } from './errors.js';
import { jsonValueSchema, readJsonFile, writeJsonFile } from './json-file.js';
import { batchIdOf, type CheckpointLayout, checkpointVersion } from './layout.js';

/** `state/<batchId>/<stateId>.json`: one operator's whole state after a batch. */
export const stateSnapshotSchema = z.strictObject({
  version: z.literal(checkpointVersion),
  batchId: z.int().nonnegative(),
  stateId: z.string(),
  entries: z.int().nonnegative(),
  state: jsonValueSchema,
});

/**
 * Snapshots of the query's stateful operators, one file per operator and batch. A full snapshot
 * each batch (not Spark's deltas): simple, and state here is what fits in one process's memory.
 */
export class StateStore {
  constructor(
    private readonly layout: CheckpointLayout,
    private readonly steps?: AtomicWriteSteps,
  ) {}

  async write(batchId: number, operators: readonly Stateful[]): Promise<void> {
    if (operators.length === 0) return;
    await makeDirDurable(this.layout.stateBatchDir(batchId), this.steps);
    for (const op of operators)
      await writeJsonFile(
        this.layout.stateFile(batchId, op.stateId),
        {
          version: checkpointVersion,
          batchId,
          stateId: op.stateId,
          entries: op.stateEntries(),
          state: op.snapshotState(),
        },
        this.steps,
      );
  }

  /**
   * Gives each operator its snapshot of `batchId`. A missing snapshot is an error: the operator
   * would start empty and the results would differ from an uninterrupted run.
   */
  async restore(batchId: number, operators: readonly Stateful[]): Promise<void> {
    for (const op of operators) {
      const path = this.layout.stateFile(batchId, op.stateId);
      const snap = await readJsonFile(path, stateSnapshotSchema);
      if (snap === null)
        throw damagedCheckpointFile(path, [
          {
            path: [],
            message: `batch ${batchId} is committed but the state of operator '${op.stateId}' is missing (was the checkpoint written by another version of the pipeline?)`,
          },
        ]);
      if (snap.stateId !== op.stateId || snap.batchId !== batchId)
        throw damagedCheckpointFile(path, [
          {
            path: [],
            message: `holds the state of '${snap.stateId}' at batch ${snap.batchId}, expected '${op.stateId}' at batch ${batchId}`,
          },
        ]);
      op.restoreState(snap.state);
    }
  }

  /** Deletes the snapshots of batches before `batchId`. */
  async purgeBefore(batchId: number): Promise<void> {
    const dirs = await readdir(this.layout.stateDir).catch(() => [] as string[]);
    for (const name of dirs) {
      const id = batchIdOf(name);
      if (id !== null && id < batchId)
        await rm(this.layout.stateBatchDir(id), { recursive: true, force: true });
    }
  }
}
