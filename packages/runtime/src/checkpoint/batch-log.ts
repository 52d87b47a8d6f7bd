import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import { type AtomicWriteSteps, makeDirDurable } from './atomic-write.js';
import { damagedCheckpointFile } from './errors.js';
import { readJsonFile, writeJsonFile } from './json-file.js';
import { batchIdOf, isTempFile } from './layout.js';

/**
 * A directory of JSON files named by batch id (`offsets/7`, `commits/7`), as Spark's
 * `HDFSMetadataLog`: each written atomically, read back through its schema.
 */
export class BatchLog<S extends z.ZodType<{ readonly batchId: number }>> {
  constructor(
    readonly dir: string,
    private readonly schema: S,
    private readonly steps?: AtomicWriteSteps,
  ) {}

  pathOf(batchId: number): string {
    return join(this.dir, String(batchId));
  }

  /** Creates the directory and removes temporary files a crash left behind. */
  async open(): Promise<void> {
    await makeDirDurable(this.dir, this.steps);
    for (const name of await readdir(this.dir))
      if (isTempFile(name)) await rm(join(this.dir, name), { force: true });
  }

  /** The batch ids in the log, ascending. */
  async batchIds(): Promise<number[]> {
    const ids: number[] = [];
    for (const name of await readdir(this.dir)) {
      const id = batchIdOf(name);
      if (id !== null) ids.push(id);
    }
    return ids.sort((a, b) => a - b);
  }

  async latest(): Promise<number | null> {
    const ids = await this.batchIds();
    return ids.at(-1) ?? null;
  }

  /** The entry of a batch; null when there is none. */
  async get(batchId: number): Promise<z.output<S> | null> {
    const path = this.pathOf(batchId);
    const entry = await readJsonFile(path, this.schema);
    if (entry !== null && entry.batchId !== batchId)
      throw damagedCheckpointFile(path, [
        { path: ['batchId'], message: `holds batch ${entry.batchId}, but is named ${batchId}` },
      ]);
    return entry;
  }

  async add(entry: z.input<S> & { readonly batchId: number }): Promise<void> {
    await writeJsonFile(this.pathOf(entry.batchId), entry, this.steps);
  }

  /** Deletes the entries of batches before `batchId`. */
  async purgeBefore(batchId: number): Promise<void> {
    for (const id of await this.batchIds())
      if (id < batchId) await rm(this.pathOf(id), { force: true });
  }
}
