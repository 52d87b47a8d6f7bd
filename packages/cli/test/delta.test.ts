import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runPipe } from './pipe-process.js';

const root = mkdtempSync(join(tmpdir(), 'pipekit-cli-delta-'));

afterAll(() => rmSync(root, { recursive: true, force: true }));

const pipe = (args: string[]) => runPipe(args);

interface DeltaTableLike {
  write(
    rows: readonly Record<string, unknown>[],
    options?: { appId?: string; appVersion?: number },
  ): Promise<unknown>;
}

interface DeltaModule {
  DeltaTable: {
    create(
      path: string,
      options: { schema: { fields: { name: string; type: 'long'; nullable: boolean }[] } },
    ): Promise<DeltaTableLike>;
  };
}

describe('pipe delta', () => {
  it('history lists the commits of a table, newest first', async () => {
    // Loaded by name, as the command does (lazily: only `pipe delta` and Delta plans need the addon).
    const pkg = '@pipekit/delta';
    const { DeltaTable } = (await import(pkg)) as DeltaModule;
    const path = join(root, 'events');
    const table = await DeltaTable.create(path, {
      schema: { fields: [{ name: 'id', type: 'long', nullable: false }] },
    });
    await table.write([{ id: 1 }], { appId: 'q', appVersion: 0 });
    await table.write([{ id: 2 }], { appId: 'q', appVersion: 1 });

    const text = await pipe(['delta', 'history', path]);
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^\s+2 {2}\d{4}-\d\d-\d\dT\S+Z {2}WRITE {2}q=1$/);
    expect(lines[2]).toMatch(/^\s+0 /);

    const json = await pipe(['delta', 'history', path, '--json']);
    expect(json.code).toBe(0);
    const commits = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { version: number; appTransactions: Record<string, number> });
    expect(commits.map((c) => c.version)).toEqual([2, 1, 0]);
    expect(commits[0]?.appTransactions).toEqual({ q: 1 });
  });

  it('optimize and vacuum run; a missing table or action is a usage error', async () => {
    const path = join(root, 'events');
    const optimize = await pipe(['delta', 'optimize', path]);
    expect(optimize.code).toBe(0);
    expect(optimize.stdout).toContain(path);
    const vacuum = await pipe(['delta', 'vacuum', path, '--dry-run']);
    expect(vacuum.code).toBe(0);
    expect(vacuum.stdout).toContain('would be deleted');

    const missing = await pipe(['delta', 'history', join(root, 'nope')]);
    expect(missing.code).toBe(2);
    const unknown = await pipe(['delta', 'shrink', path]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('optimize, vacuum, history');
  });
});
