import { type ChildProcess, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const testDir = dirname(fileURLToPath(import.meta.url));
const repo = join(testDir, '..', '..', '..');
const pipe = join(repo, 'packages', 'cli', 'bin', 'pipe.js');
const fixture = join(testDir, 'fixtures', 'kill-restart.pipeline.ts');

/** A small seeded generator (mulberry32): the kill moments are random but the same every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function startRun(dir: string): { child: ChildProcess; exit: Promise<Ended> } {
  const child = spawn(process.execPath, [pipe, 'run', fixture, '--log-level', 'warn'], {
    cwd: repo,
    env: { ...process.env, PIPEKIT_DEV: '1', PIPEKIT_KILL_DIR: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += String(d)));
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const exit = new Promise<Ended>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, exit };
}

/** Batches committed so far: the highest committed batch id + 1 (old commit files are pruned). */
const commits = (dir: string) =>
  existsSync(join(dir, 'checkpoint', 'commits'))
    ? Math.max(
        0,
        ...readdirSync(join(dir, 'checkpoint', 'commits'))
          .filter((f) => /^\d+$/.test(f))
          .map((f) => Number(f) + 1),
      )
    : 0;

/** Polls (every 20 ms, for at most `ms`) until `ok()`. */
async function waitFor(ok: () => boolean, ms: number): Promise<boolean> {
  for (let waited = 0; waited < ms; waited += 20) {
    if (ok()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return ok();
}

function outputRows(dir: string): { id: number; tenfold: number }[] {
  const out = join(dir, 'out');
  return readdirSync(out)
    .filter((f) => f.startsWith('part-'))
    .flatMap((f) =>
      readFileSync(join(out, f), 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as { id: number; tenfold: number }),
    );
}

describe('exactly once through kill -9', () => {
  it('pipe run killed with SIGKILL at seeded moments, then restarted, writes every input row once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pipekit-kill-'));
    const files = 400;
    const perFile = 5;
    mkdirSync(join(dir, 'in'));
    for (let f = 0; f < files; f++)
      writeFileSync(
        join(dir, 'in', `f${String(f).padStart(4, '0')}.jsonl`),
        Array.from(
          { length: perFile },
          (_, i) => `${JSON.stringify({ id: f * perFile + i, file: f })}\n`,
        ).join(''),
      );
    const random = seeded(20260101);
    const kills: number[] = [];
    for (let round = 0; round < 3; round++) {
      const before = commits(dir);
      const { child, exit } = startRun(dir);
      // Running for real once it commits a batch beyond where the last run stopped.
      const running = await waitFor(() => commits(dir) > before || child.exitCode !== null, 60_000);
      expect(running).toBe(true);
      await new Promise((r) => setTimeout(r, Math.floor(random() * 300)));
      child.kill('SIGKILL');
      const ended = await exit;
      // Killed mid-run, not after the end: the test would prove nothing otherwise.
      expect(ended.signal, ended.stderr).toBe('SIGKILL');
      kills.push(commits(dir));
    }
    // Each run went on from where the last one was killed.
    expect(kills[0]).toBeLessThan(kills[1]!);
    expect(kills[1]).toBeLessThan(kills[2]!);
    expect(kills[2]).toBeLessThan(files);
    const { exit } = startRun(dir);
    const last = await exit;
    expect(last.code, last.stderr).toBe(0);
    // The last run read only what was left (at most the one batch it replayed, again).
    const read = Number(/([\d,]+) rows read/.exec(last.stdout)?.[1]?.replace(/,/g, ''));
    expect(read).toBeLessThanOrEqual((files - kills[2]! + 1) * perFile);
    const rows = outputRows(dir);
    const ids = rows.map((r) => r.id).sort((a, b) => a - b);
    expect(ids).toEqual(Array.from({ length: files * perFile }, (_, i) => i));
    expect(rows.every((r) => r.tenfold === r.id * 10)).toBe(true);
  }, 240_000);
});
