import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeltaTable } from '@pipekit/delta';

const testDir = dirname(fileURLToPath(import.meta.url));
const repo = join(testDir, '..', '..', '..');
const pipe = join(repo, 'packages', 'cli', 'bin', 'pipe.js');
const fixture = join(testDir, 'fixtures', 'kinesis-to-delta.pipeline.ts');

export interface Ended {
  signal: NodeJS.Signals | null;
  code: number | null;
  stderr: string;
}

/**
 * `pipe run` of the Kinesis → Delta fixture in a child process (to be killed with SIGKILL), its
 * table and checkpoint under `dir`, reading `stream` from `start` (TRIM_HORIZON or LATEST).
 */
export function startRun(
  dir: string,
  stream: string,
  start: 'TRIM_HORIZON' | 'LATEST' = 'TRIM_HORIZON',
): { child: ChildProcess; exit: Promise<Ended> } {
  const child = spawn(process.execPath, [pipe, 'run', fixture, '--log-level', 'warn'], {
    cwd: repo,
    env: {
      ...process.env,
      PIPEKIT_DEV: '1',
      PIPEKIT_KILL_DIR: dir,
      PIPEKIT_KINESIS_STREAM: stream,
      PIPEKIT_KINESIS_START: start,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const exit = new Promise<Ended>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { child, exit };
}

/** Batches committed so far (the highest committed batch id + 1). */
export const commits = (dir: string) =>
  existsSync(join(dir, 'checkpoint', 'commits'))
    ? Math.max(
        0,
        ...readdirSync(join(dir, 'checkpoint', 'commits'))
          .filter((f) => /^\d+$/.test(f))
          .map((f) => Number(f) + 1),
      )
    : 0;

/** The ids in the fixture's Delta table, sorted. */
export const tableIds = async (dir: string): Promise<number[]> => {
  if (!existsSync(join(dir, 'table', '_delta_log'))) return [];
  const rows = await (await DeltaTable.open(join(dir, 'table'))).read();
  return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
};
