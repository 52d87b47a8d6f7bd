#!/usr/bin/env node
// pipe-codegen: runs the compiled CLI when the package is built (and the build is not older than
// the sources), else the TypeScript sources through tsx, with the `@pipekit/source` condition so
// that @pipekit/core resolves to its sources too.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const built = join(here, '..', 'dist', 'bin.js');
const sources = join(here, '..', 'src');

function newestSource(dir) {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

if (existsSync(built) && statSync(built).mtimeMs >= newestSource(sources)) {
  await import(built);
} else {
  const tsx = import.meta.resolve('tsx');
  const r = spawnSync(
    process.execPath,
    [
      '--conditions=@pipekit/source',
      '--import',
      tsx,
      join(sources, 'bin.ts'),
      ...process.argv.slice(2),
    ],
    { stdio: 'inherit' },
  );
  process.exitCode = r.status ?? 1;
}
