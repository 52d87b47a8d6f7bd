#!/usr/bin/env node
// A package's `prepack` / `postpack` step: `strip` saves package.json and removes the
// `@pipekit/source` export condition from it, so the published `exports` point only at dist/
// (inside the monorepo that condition sends tests and `tsc` to src/, which is not published);
// `restore` puts the saved package.json back. Run in the package's directory, as npm does.
// A napi-rs package (native/delta) gets its per-platform packages (npm/<target>/) as
// `optionalDependencies` here, as `napi pre-publish` does: in the monorepo they are not
// dependencies (they are not on the registry until published, and a checkout loads its own build).
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

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

const action = process.argv[2];
if (action === 'strip') {
  // A pack that failed before its postpack left the saved copy: that one is the real manifest.
  if (existsSync(saved)) renameSync(saved, manifest);
  const text = readFileSync(manifest, 'utf8');
  writeFileSync(saved, text);
  const pkg = JSON.parse(text);
  pkg.exports = withoutDevCondition(pkg.exports);
  if (pkg.napi) pkg.optionalDependencies = platformPackages(pkg.version);
  writeFileSync(manifest, `${JSON.stringify(pkg, null, 2)}\n`);
} else if (action === 'restore') {
  if (existsSync(saved)) renameSync(saved, manifest);
} else {
  process.stderr.write('usage: pack-manifest.mjs strip|restore (run by npm pack)\n');
  process.exitCode = 2;
}
