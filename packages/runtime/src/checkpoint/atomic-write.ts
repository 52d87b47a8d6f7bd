import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { PipekitError } from '@pipekit/core';

/**
 * The file-system steps of an atomic write. Tests inject failing ones to prove that a write that
 * stops at any step leaves the old file (or none), never a partial one.
 */
export interface AtomicWriteSteps {
  /** Writes `data` to a new file `path` and flushes it to disk (write + fsync + close). */
  writeAndSync(path: string, data: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  /** Flushes a directory's entries, so a rename survives a power cut. */
  syncDir(dir: string): Promise<void>;
}

export const fsSteps: AtomicWriteSteps = Object.freeze({
  async writeAndSync(path: string, data: string) {
    const fh = await open(path, 'w');
    try {
      await fh.writeFile(data, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
  },
  rename,
  async syncDir(dir: string) {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } catch (e) {
      // Some file systems (and Windows) cannot fsync a directory; the rename is done either way.
      if (
        (e as NodeJS.ErrnoException).code !== 'EINVAL' &&
        (e as NodeJS.ErrnoException).code !== 'EISDIR'
      )
        throw e;
    } finally {
      await fh.close();
    }
  },
});

/** The temporary name a write to `path` goes through: hidden, next to it (same file system). */
export function tempPathOf(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp`);
}

/**
 * Replaces `path` with `data` atomically: write a temporary file, fsync it, rename it over
 * `path`, fsync the directory. A reader (or a restart after `kill -9`) sees the old content or
 * the new, never part of it. On failure the temporary file is removed and the error rethrown.
 */
export async function writeFileAtomic(
  path: string,
  data: string,
  steps: AtomicWriteSteps = fsSteps,
): Promise<void> {
  const tmp = tempPathOf(path);
  try {
    await steps.writeAndSync(tmp, data);
    await steps.rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw outOfSpace(e, path) ?? e;
  }
  await steps.syncDir(dirname(path));
}

/**
 * A full disk (or quota) as an error that names the file and says what to do; the old file is
 * whole, so after space is freed the query resumes from its last commit with nothing lost.
 */
function outOfSpace(e: unknown, path: string): PipekitError | null {
  const code = (e as NodeJS.ErrnoException).code;
  if (code !== 'ENOSPC' && code !== 'EDQUOT') return null;
  return new PipekitError(`no space left on the device for ${path}`, [
    {
      path: [],
      message: code === 'EDQUOT' ? 'the disk quota is exhausted' : 'the file system is full',
      fix: `free space on the file system of ${dirname(path)} (or move the checkpoint), then run the query again: it resumes from its last commit`,
    },
  ]);
}

/**
 * Creates a directory (and its parents) and makes the new entries durable: fsyncs the parent of
 * each directory it created, so files renamed into it later cannot vanish with it in a power cut.
 */
export async function makeDirDurable(
  dir: string,
  steps: AtomicWriteSteps = fsSteps,
): Promise<void> {
  const first = await mkdir(dir, { recursive: true });
  if (first === undefined) return;
  // `first` is the topmost directory created; the others lie between it and `dir`.
  const created = [first];
  for (const part of relative(first, dir)
    .split(sep)
    .filter((p) => p !== ''))
    created.push(join(created.at(-1)!, part));
  await steps.syncDir(dirname(first));
  for (const d of created.slice(0, -1)) await steps.syncDir(d);
}
