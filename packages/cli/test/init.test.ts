import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runPipe } from './pipe-process.js';

const scratch = mkdtempSync(join(tmpdir(), 'pipekit-init-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// That the scaffolded project installs, tests green and runs is checked from the packed packages
// in test/install; here: the command itself.
describe('pipe init [dir]', () => {
  it('scaffolds a project (as npm create pipekit) and says what to run next', async () => {
    const r = await runPipe(['init', 'my-pipelines'], { cwd: scratch });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('created my-pipelines:');
    expect(r.stdout).toContain('cd my-pipelines');
    for (const f of [
      'package.json',
      'tsconfig.json',
      '.gitignore',
      'pipelines/revenue.pipeline.ts',
    ])
      expect(existsSync(join(scratch, 'my-pipelines', f)), f).toBe(true);
    const pkg = JSON.parse(readFileSync(join(scratch, 'my-pipelines', 'package.json'), 'utf8'));
    expect(pkg.devDependencies).toHaveProperty('@pipekit/testing');
  }, 60_000);

  it('refuses a directory that is not empty (exit 1, nothing overwritten)', async () => {
    const r = await runPipe(['init', 'my-pipelines'], { cwd: scratch });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is not empty');
  }, 60_000);
});
