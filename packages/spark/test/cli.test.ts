/**
 * `pipe run / validate / explain --engine spark`, as a person runs them: spawned `pipe`
 * processes against the local Spark Connect server.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeltaTable } from '@pipekit/delta';
import { afterAll, describe, expect, it } from 'vitest';
import { remote } from './remote.js';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/counts.pipeline.ts', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'pipekit-spark-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function pipe(
  args: string[],
  env: Record<string, string> = {},
): { child: ChildProcess; done: Promise<Ran> } {
  const child = spawn(process.execPath, [join(repo, 'packages/cli/bin/pipe.js'), ...args], {
    cwd: repo,
    env: { ...process.env, PIPEKIT_DEV: '1', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += String(d)));
  child.stderr!.on('data', (d) => (stderr += String(d)));
  return {
    child,
    done: new Promise((r) => child.on('close', (code) => r({ code, stdout, stderr }))),
  };
}

describe('pipe --engine spark', () => {
  it('run: a batch pipeline on Spark, the summary says where it ran and what it wrote', async () => {
    const dir = join(work, 'batch');
    const r = await pipe(['run', fixture, '--engine', 'spark', '--remote', remote], {
      WORK_DIR: dir,
    }).done;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(
        `^pipeline 'counts' completed on Spark \\(${remote.replace(/[/.]/g, '\\$&')}\\) in [\\d.]+ s: a batch job\\n  sink_1: written in 1 batch → delta ${dir}/counts\\n$`,
      ),
    );
    const rows = await (await DeltaTable.open(join(dir, 'counts'))).read();
    expect(rows).toHaveLength(20);
    expect(rows.reduce((n, r) => n + Number(r.clicks), 0)).toBeGreaterThan(3_000);
  });

  it('run: a streaming query until SIGTERM, with JSON progress from Spark; exit 0, stopped', async () => {
    const dir = join(work, 'stream');
    const { child, done } = pipe(
      ['run', fixture, '--engine', 'spark', '--remote', remote, '--json'],
      {
        WORK_DIR: dir,
        STREAM: '1',
      },
    );
    let out = '';
    child.stdout!.on('data', (d) => (out += String(d)));
    const deadline = Date.now() + 90_000;
    for (
      let i = 0;
      i < 180 && Date.now() < deadline && (out.match(/"type":"progress"/g) ?? []).length < 2;
      i++
    )
      await new Promise((r) => setTimeout(r, 500));
    child.kill('SIGTERM');
    const r = await done;
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const progress = lines.filter((l) => l.type === 'progress');
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress[0]).toMatchObject({ pipeline: 'counts', queryId: 'counts' });
    expect(lines.at(-1)).toMatchObject({ type: 'summary', engine: 'spark', stoppedBy: 'stopped' });
    expect((await (await DeltaTable.open(join(dir, 'counts'))).read()).length).toBe(20);
  });

  it('validate: what Spark cannot run, with the node path and the way out; exit 2', async () => {
    const r = await pipe([
      'validate',
      'examples/kafka-to-postgres.pipeline.ts',
      '--engine',
      'spark',
    ]).done;
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("pipeline 'customer-profiles' cannot run on Spark, 1 problem:");
    expect(r.stdout).toContain('Spark cannot run this: a streaming Postgres sink');
    const ok = await pipe(['validate', fixture, '--engine', 'spark']).done;
    expect(ok.stdout).toMatch(
      /^ok: .*counts\.pipeline\.ts: pipeline 'counts' can run on Spark \(\d+ nodes\)\n$/,
    );
    expect(ok.code).toBe(0);
  });

  it("explain: Spark's own plan of each query, and the relations sent to it", async () => {
    const r = await pipe(['explain', fixture, '--engine', 'spark', '--remote', remote]).done;
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^== counts: sink_1 \(batch job\) ==\n== Physical Plan ==/);
    expect(r.stdout).toContain('HashAggregate');
    const json = await pipe(['explain', fixture, '--engine', 'spark', '--format', 'json']).done;
    expect(JSON.parse(json.stdout)[0]).toMatchObject({ kind: 'write', sink: { id: 'sink_1' } });
  });
});
