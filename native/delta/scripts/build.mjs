#!/usr/bin/env node
// `npm run build`: `napi build` for this machine into its per-platform package (npm/<target>/),
// with Cargo's target directory in the project cache so later builds (and CI) reuse it.
// Arguments pass through to napi build (`--release`, `--profile quickstart`, ...).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { currentTarget, prebuiltTargets } from '../platform.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const target = currentTarget();
const dir = join('npm', target);
if (!existsSync(join(root, dir, 'package.json'))) {
  process.stderr.write(
    `native/delta: ${target} has no per-platform package (${dir}/package.json); the release matrix is ${prebuiltTargets.join(', ')}; add npm/${target}/ to build for it\n`,
  );
  process.exit(1);
}
const cache = process.env.PIPEKIT_CACHE ?? join(homedir(), '.cache', 'pipekit');
const require = createRequire(import.meta.url);
const napi = join(dirname(require.resolve('@napi-rs/cli/package.json')), 'dist', 'cli.js');
const args = [
  'build',
  '--platform',
  '--no-js',
  '--output-dir',
  dir,
  '--dts',
  '../../index.d.ts',
  '--target-dir',
  process.env.CARGO_TARGET_DIR ?? join(cache, 'cargo-target'),
  ...process.argv.slice(2),
];
const r = spawnSync(process.execPath, [napi, ...args], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
