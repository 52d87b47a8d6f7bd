#!/usr/bin/env node
// A package's `prepack` / `postpack` step (npm pack and npm publish run them in the package's
// directory). `prepack` builds the package and what it depends on through turbo (cached: a
// package unchanged since its last build packs in seconds), saves package.json and removes the
// `@pipekit/source` export condition from it, so the published `exports` point only at dist/
// (inside the monorepo that condition sends tests and `tsc` to src/, which is not published).
// `postpack` puts the saved package.json back.
// A napi-rs package (native/delta) gets its per-platform packages (npm/<target>/) as
// `optionalDependencies` here, as `napi pre-publish` does: in the monorepo they are not
// dependencies (they are not on the registry until published, and a checkout loads its own build).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const manifest = 'package.json';
const saved = '.package.json.before-pack';
const devCondition = '@pipekit/source';

function withoutDevCondition(exports) {
  if (exports === null || typeof exports !== 'object') return exports;
  return Object.fromEntries(
    Object.entries(exports)
      .filter(([key]) => key !== devCondition)
      .map(([key, value]) => [key, withoutDevCondition(value)]),
  );
}

/** The per-platform packages under npm/, each at the addon's own version. */
function platformPackages(version) {
  if (!existsSync('npm')) return undefined;
  const names = readdirSync('npm', { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join('npm', d.name, 'package.json')))
    .map((d) => JSON.parse(readFileSync(join('npm', d.name, 'package.json'), 'utf8')).name)
    .sort();
  return Object.fromEntries(names.map((name) => [name, version]));
}

/** `turbo run build` for this package and its dependencies; exits with the build's failure. */
function build(name) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const r = spawnSync(
    process.execPath,
    ['scripts/turbo.mjs', 'run', 'build', `--filter=${name}`, '--output-logs=errors-only'],
    // On stderr: `npm pack --json` prints its report on stdout.
    { cwd: root, stdio: ['ignore', 2, 2] },
  );
  if (r.status !== 0) {
    process.stderr.write(`prepack: building ${name} failed\n`);
    process.exit(r.status ?? 1);
  }
}

const action = process.argv[2];
if (action === 'prepack') {
  // A pack that failed before its postpack left the saved copy: that one is the real manifest.
  if (existsSync(saved)) renameSync(saved, manifest);
  const text = readFileSync(manifest, 'utf8');
  build(JSON.parse(text).name);
  writeFileSync(saved, text);
  const pkg = JSON.parse(text);
  pkg.exports = withoutDevCondition(pkg.exports);
  if (pkg.napi) pkg.optionalDependencies = platformPackages(pkg.version);
  writeFileSync(manifest, `${JSON.stringify(pkg, null, 2)}\n`);
} else if (action === 'postpack') {
  if (existsSync(saved)) renameSync(saved, manifest);
} else {
  process.stderr.write(
    'usage: pack-manifest.mjs prepack|postpack (run by npm pack and npm publish)\n',
  );
  process.exitCode = 2;
}
