import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repo, runPipe } from './pipe-process.js';

const quickstart = join(repo, 'examples', 'quickstart.pipeline.ts');
// The example writes to ./data/...: run it from a scratch directory, as a user runs it from theirs.
const cwd = mkdtempSync(join(tmpdir(), 'pipekit-quickstart-'));
const tablePath = join(cwd, 'data', 'quickstart', 'revenue-per-user');

afterAll(() => rmSync(cwd, { recursive: true, force: true }));

const pipe = (args: string[]) => runPipe(args, { cwd });

interface UserTotals {
  userId: string;
  purchases: bigint | number;
  revenue: number;
  averageOrder: number;
  lastPurchase: Date;
}

interface DeltaModule {
  DeltaTable: {
    open(path: string): Promise<{
      version(): Promise<number>;
      read(): Promise<UserTotals[]>;
    }>;
  };
}

async function readTable(): Promise<{ version: number; rows: UserTotals[] }> {
  const pkg = '@pipekit/delta';
  const { DeltaTable } = (await import(pkg)) as DeltaModule;
  const table = await DeltaTable.open(tablePath);
  return { version: await table.version(), rows: await table.read() };
}

describe('the quickstart (examples/quickstart.pipeline.ts)', () => {
  it('writes one row per buying user to a Delta table; a second run replaces them', async () => {
    const first = await pipe(['run', quickstart]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      /pipeline 'revenue-per-user' completed in [\d.]+ s: 1,000,000 rows read, 20 micro-batches, 0 bad records/,
    );
    expect(first.stdout).toContain('→ delta ./data/quickstart/revenue-per-user');

    const { version, rows } = await readTable();
    // 10,000 users and ~100,000 purchases (10% of 1M events): practically every user bought.
    expect(rows.length).toBeGreaterThan(9_900);
    expect(rows.length).toBeLessThanOrEqual(10_000);
    expect(new Set(rows.map((r) => r.userId)).size).toBe(rows.length);
    const purchases = rows.reduce((n, r) => n + Number(r.purchases), 0);
    expect(purchases).toBeGreaterThan(95_000);
    expect(purchases).toBeLessThan(105_000);
    for (const r of rows) {
      expect(r.userId).toMatch(/^user-\d+$/);
      expect(r.averageOrder * Number(r.purchases)).toBeCloseTo(r.revenue, 6);
      expect(r.averageOrder).toBeGreaterThanOrEqual(1);
      expect(r.averageOrder).toBeLessThanOrEqual(500);
      expect(r.lastPurchase).toBeInstanceOf(Date);
    }

    const shown = await pipe(['delta', 'show', tablePath, '--limit', '3']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(
      `version ${version}, ${rows.length.toLocaleString('en-US')} rows`,
    );
    expect(shown.stdout).toMatch(/\|\s*userId\|\s*purchases\|\s*revenue\|/);
    expect(shown.stdout).toContain('only showing top 3 rows');

    // The generator is seeded: a second run computes the same totals and overwrites them.
    const second = await pipe(['run', quickstart]);
    expect(second.code).toBe(0);
    const again = await readTable();
    expect(again.version).toBe(version + 1);
    const byUser = (rs: UserTotals[]) =>
      rs.map((r) => [r.userId, Number(r.purchases), r.revenue] as const).sort();
    expect(byUser(again.rows)).toEqual(byUser(rows));
  }, 120_000);
});

describe('npm run quickstart (scripts/quickstart.mjs)', () => {
  it("the project's turbo (scripts/turbo.mjs) prints no telemetry notice on a first run", async () => {
    const home = mkdtempSync(join(tmpdir(), 'pipekit-home-'));
    const turbo = (wrapper: boolean) =>
      new Promise<string>((resolve) => {
        const args = ['run', 'typecheck', '--filter=@pipekit/core', '--dry=json'];
        const child = wrapper
          ? spawn(process.execPath, [join(repo, 'scripts', 'turbo.mjs'), ...args], {
              cwd: repo,
              env: { ...process.env, HOME: home },
            })
          : spawn(
              process.execPath,
              [join(repo, 'node_modules', 'turbo', 'bin', 'turbo'), ...args],
              {
                cwd: repo,
                env: { ...process.env, HOME: home, TURBO_TELEMETRY_DISABLED: '' },
              },
            );
        let out = '';
        child.stdout.on('data', (d) => (out += String(d)));
        child.stderr.on('data', (d) => (out += String(d)));
        child.on('close', () => resolve(out));
      });
    const quiet = await turbo(true);
    expect(quiet).not.toMatch(/telemetry/i);
    expect(JSON.parse(quiet)).toMatchObject({ version: '1' });
    // Without the wrapper, the same first run shows it (so the check above can fail).
    expect(await turbo(false)).toMatch(/telemetry/i);
    rmSync(home, { recursive: true, force: true });
  }, 60_000);

  it('prints only its own steps and their results: no build output, no turbo banner, nothing on stderr', async () => {
    const script = join(repo, 'scripts', 'quickstart.mjs');
    const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
      (resolve) => {
        const child = spawn(process.execPath, [script], {
          cwd: repo,
          // As on a machine that never ran turbo (its telemetry notice would show here), but with
          // this machine's Rust toolchain and build cache, which rustup and cargo find under HOME.
          env: {
            ...process.env,
            HOME: mkdtempSync(join(tmpdir(), 'pipekit-home-')),
            RUSTUP_HOME: process.env.RUSTUP_HOME ?? join(homedir(), '.rustup'),
            CARGO_HOME: process.env.CARGO_HOME ?? join(homedir(), '.cargo'),
            PIPEKIT_CACHE: process.env.PIPEKIT_CACHE ?? join(homedir(), '.cache', 'pipekit'),
          },
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += String(d)));
        child.stderr.on('data', (d) => (stderr += String(d)));
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = r.stdout.split('\n');
    expect(out[0]).toMatch(/^quickstart 1\/4: the Delta addon \(Rust; /);
    // The Rust build reports progress or that it is up to date, then the TypeScript packages
    // are listed one a line.
    const ts = out.indexOf('quickstart 2/4: building the TypeScript packages');
    expect(ts).toBeGreaterThan(1);
    for (const line of out.slice(1, ts)) expect(line).toMatch(/^ {2}rust: /);
    expect(out[ts - 1]).toMatch(/^ {2}rust: (up to date|\d+ crates compiled in) /);
    const run = out.indexOf('quickstart 3/4: pipe run examples/quickstart.pipeline.ts');
    const packages = out.slice(ts + 1, run);
    for (const line of packages)
      expect(line).toMatch(/^ {2}(@pipekit\/[a-z-]+|create-pipekit)( \(unchanged\)|: compiling)$/);
    expect(packages.map((l) => l.trim().split(/[ :]/)[0])).toEqual(
      expect.arrayContaining(['@pipekit/core', '@pipekit/cli', '@pipekit/delta']),
    );
    expect(out[run + 1]).toMatch(
      /^pipeline 'revenue-per-user' completed in [\d.]+ s: 1,000,000 rows read, 20 micro-batches, 0 bad records$/,
    );
    expect(out[run + 2]).toMatch(
      /^ {2}sink_1: [\d,]+ rows in 1 batch → delta \.\/data\/quickstart\/revenue-per-user$/,
    );
    expect(out[run + 3]).toBe(
      'quickstart 4/4: pipe delta show data/quickstart/revenue-per-user --limit 10',
    );
    expect(out[run + 4]).toMatch(/^data\/quickstart\/revenue-per-user: version \d+, [\d,]+ rows$/);
    expect(out.at(-3)).toBe('only showing top 10 rows');
    expect(out.at(-2)).toMatch(
      /^quickstart: done in \d+(m\d\d)?s; the table is in data\/quickstart\/revenue-per-user /,
    );
    expect(r.stdout).not.toMatch(/turbo|Tasks:|telemetry|npm (warn|notice)/i);
  }, 900_000);
});
