import { type Issue, PipekitError } from '@pipekit/core';

const startOver =
  'restore it from a backup, or delete the checkpoint directory to start the query over (its sinks may then receive rows again)';

/**
 * A checkpoint file that cannot be used: not JSON, not of its schema, or inconsistent with the
 * other files. Named by its path; the runtime never skips such a file, since guessing could write
 * rows twice or lose them.
 */
export function damagedCheckpointFile(path: string, issues: readonly Issue[]): PipekitError {
  return new PipekitError(
    'damaged checkpoint file',
    issues.map((i) => ({ ...i, fix: i.fix ?? startOver })),
    path,
  );
}

/** A checkpoint written by another query (or another version of pipekit). */
export function foreignCheckpoint(path: string, message: string, fix: string): PipekitError {
  return new PipekitError(
    'the checkpoint belongs to another query',
    [{ path: [], message, fix }],
    path,
  );
}

/** A plan whose checkpoint options cannot work (two directories for one query, one for two). */
export function checkpointOptionError(summary: string, issues: readonly Issue[]): PipekitError {
  return new PipekitError(summary, issues);
}
