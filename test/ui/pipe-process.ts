import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const repo = join(import.meta.dirname, '..', '..');

export interface RunningPipe {
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  /** The page's address, once printed (`ui: http://...`). */
  readonly url: Promise<string>;
  readonly exited: Promise<number | null>;
}

/** `pipe <args>` on the workspace's TypeScript sources, as a user runs it. */
export function startPipe(args: readonly string[], cwd: string, env: Record<string, string> = {}) {
  const child = spawn(
    process.execPath,
    [join(repo, 'packages', 'cli', 'bin', 'pipe.js'), ...args],
    { cwd, env: { ...process.env, PIPEKIT_DEV: '1', ...env } },
  );
  const running: RunningPipe = {
    child,
    stdout: '',
    stderr: '',
    url: new Promise((resolve, reject) => {
      child.stderr!.on('data', (d) => {
        running.stderr += String(d);
        const m = /ui: (http:\/\/\S+)/.exec(running.stderr);
        if (m) resolve(m[1]!);
      });
      child.on('close', () => reject(new Error(`pipe exited before serving:\n${running.stderr}`)));
    }),
    exited: new Promise((resolve) => child.on('close', (code) => resolve(code))),
  };
  child.stdout!.on('data', (d) => (running.stdout += String(d)));
  return running;
}

export const slowQuickstart = join(import.meta.dirname, 'slow-quickstart.pipeline.ts');
