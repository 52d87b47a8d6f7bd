import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const cliDir = dirname(dirname(fileURLToPath(import.meta.url)));
export const repo = join(cliDir, '..', '..');

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface PipeOptions {
  /** Extra environment variables. */
  readonly env?: Record<string, string>;
  /** The working directory (default: the repository root). */
  readonly cwd?: string;
}

/** Starts `pipe <args>` as a child process on the TypeScript sources (PIPEKIT_DEV=1). */
export function startPipe(
  args: readonly string[],
  options: PipeOptions = {},
): { child: ChildProcess; done: Promise<Ran> } {
  const child = spawn(process.execPath, [join(cliDir, 'bin', 'pipe.js'), ...args], {
    cwd: options.cwd ?? repo,
    env: { ...process.env, PIPEKIT_DEV: '1', ...options.env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += String(d)));
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const done = new Promise<Ran>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, done };
}

/** Runs `pipe <args>` to its end. */
export function runPipe(args: readonly string[], options: PipeOptions = {}): Promise<Ran> {
  return startPipe(args, options).done;
}
