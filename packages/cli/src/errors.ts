import { PipekitError } from '@pipekit/core';
import { checkOf, PipelineFailure } from '@pipekit/runtime';

/** Exit codes: 0 ok, 1 the pipeline failed while running, 2 the command, file or plan is wrong. */
export const exitCodes = { ok: 0, runtime: 1, usage: 2 } as const;

/** A mistake in how `pipe` was called or in what it was given: exit 2, one paragraph, no stack. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

function isPipekitError(e: unknown): e is PipekitError {
  return e instanceof PipekitError || (e instanceof Error && e.name === 'PipekitError');
}

/** The exit code for an error. */
export function exitCodeOf(e: unknown): number {
  if (e instanceof UsageError || isPipekitError(e)) return exitCodes.usage;
  return exitCodes.runtime;
}

/** An error as `pipe` prints it: the message (a paragraph); the stack only with --debug. */
export function formatError(e: unknown, debug: boolean): string {
  const head =
    e instanceof PipelineFailure
      ? 'pipeline failed'
      : exitCodeOf(e) === exitCodes.usage
        ? 'error'
        : 'pipeline failed';
  const message = e instanceof Error ? e.message : String(e);
  // What to look at, when a connector knows (the broker's address, the credentials...).
  const check = checkOf(e);
  const hint = check === null ? '' : `\n  check ${check}`;
  const stack =
    debug && e instanceof Error && e.stack
      ? `\n${e.stack}${e.cause instanceof Error && e.cause.stack ? `\ncaused by: ${e.cause.stack}` : ''}`
      : '';
  return `pipe: ${head}: ${message}${hint}${stack}\n`;
}
