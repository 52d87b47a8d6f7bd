import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main, scaffold } from '../src/index.js';
import { toolVersions } from '../src/templates.js';

const dirs: string[] = [];
function scratch(): string {
  const d = mkdtempSync(join(tmpdir(), 'create-pipekit-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const repoJson = (path: string) =>
  JSON.parse(readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8')) as {
    version: string;
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };

describe('scaffold', () => {
  it('writes a project that depends on this pipekit version and ignores data and checkpoints', () => {
    const dir = join(scratch(), 'My Pipelines');
    const { files } = scaffold(dir);
    expect(files).toEqual([
      'package.json',
      'tsconfig.json',
      '.gitignore',
      'README.md',
      'pipelines/revenue.pipeline.ts',
      'test/revenue.test.ts',
    ]);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const version = repoJson('packages/create-pipekit/package.json').version;
    expect(pkg.name).toBe('my-pipelines');
    expect(pkg.dependencies['@pipekit/core']).toBe(`^${version}`);
    expect(pkg.dependencies['@pipekit/cli']).toBe(`^${version}`);
    expect(pkg.devDependencies['@pipekit/testing']).toBe(`^${version}`);
    expect(pkg.scripts).toMatchObject({
      test: 'vitest run',
      start: expect.stringContaining('pipe run'),
    });
    expect(readFileSync(join(dir, '.gitignore'), 'utf8').split('\n')).toEqual(
      expect.arrayContaining(['data/', 'checkpoints/', 'node_modules/']),
    );
  });

  it('uses the tool versions pipekit itself is built and tested with', () => {
    const root = repoJson('package.json').devDependencies ?? {};
    expect(toolVersions.typescript).toBe(root.typescript);
    expect(toolVersions.vitest).toBe(root.vitest);
    expect(toolVersions['@types/node']).toBe(root['@types/node']);
    expect(toolVersions.zod).toBe(repoJson('packages/core/package.json').dependencies?.zod);
  });

  it('refuses a directory that is not empty and overwrites nothing', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'package.json'), '{"mine":true}');
    expect(() => scaffold(dir)).toThrow(/is not empty \(package\.json\)/);
    expect(readFileSync(join(dir, 'package.json'), 'utf8')).toBe('{"mine":true}');
  });
});

describe('create-pipekit [dir]', () => {
  function run(args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const sink = (into: string[]) =>
      ({ write: (t: string) => into.push(t) > 0 }) as unknown as NodeJS.WritableStream;
    const code = main(args, sink(out), sink(err));
    return { code, out: out.join(''), err: err.join('') };
  }

  it('prints what it wrote and the next commands', () => {
    const dir = join(scratch(), 'p');
    const r = run([dir]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('pipelines/revenue.pipeline.ts');
    expect(r.out).toMatch(/npm install\n\s+npm test/);
  });

  it('exits 1 with the reason on a non-empty directory, 2 on unknown options', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'x'), '');
    expect(run([dir])).toMatchObject({ code: 1, err: expect.stringContaining('not empty') });
    expect(run(['--force', dir])).toMatchObject({ code: 2 });
  });
});
