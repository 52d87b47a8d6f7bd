#!/usr/bin/env node
// The registry this project is developed against serves only the platform packages of this
// machine, so `npm install` leaves other platforms' optional binaries (biome, turbo) out of
// package-lock.json, and `npm ci` then refuses the lockfile as out of sync. This adds a version-only
// entry for each missing optional dependency: npm ci accepts the lock, skips them on this platform,
// and fetches them by version on others. Run after `npm install` changes the lockfile.
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
let added = 0;
for (const [key, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const at = `node_modules/${name}`;
    const nested = key === '' ? at : `${key}/${at}`;
    if (lock.packages[at] || lock.packages[nested]) continue;
    if (!/^\d+\.\d+\.\d+/.test(version)) continue;
    lock.packages[at] = { version, optional: true, ...(entry.dev ? { dev: true } : {}) };
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) =>
    a === '' ? -1 : b === '' ? 1 : a.localeCompare(b),
  ),
);
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} optional platform entries`);
