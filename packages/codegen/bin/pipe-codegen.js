#!/usr/bin/env node
// pipe-codegen: runs the compiled CLI when the package is built, else its TypeScript sources
// through tsx (with the `@pipekit/source` condition, so @pipekit/core resolves to its sources too).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const built = join(here, '..', 'dist', 'bin.js');

if (existsSync(built)) {
  await import(built);
} else {
  const tsx = import.meta.resolve('tsx');
  const r = spawnSync(
    process.execPath,
    ['--conditions=@pipekit/source', '--import', tsx, join(here, '..', 'src', 'bin.ts'), ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  process.exitCode = r.status ?? 1;
}
