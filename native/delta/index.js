// Loads the Delta addon for this machine: the per-platform package npm installed from
// `optionalDependencies` (the napi-rs layout), or, in a checkout, the addon `npm run build` wrote
// into npm/<target>/. When neither exists the error names the platform and what to install.
import { createRequire } from 'node:module';
import { currentTarget, fileFor, packageFor, prebuiltTargets } from './platform.js';

const require = createRequire(import.meta.url);

function isMissing(e, specifier) {
  return e?.code === 'MODULE_NOT_FOUND' && String(e.message).includes(specifier);
}

function missingAddon(target) {
  const pkg = packageFor(target);
  const prebuilt = prebuiltTargets.includes(target);
  const fix = prebuilt
    ? `install it: npm install ${pkg} (npm skips it when optional dependencies are omitted, e.g. --omit=optional or a lockfile made on another platform)`
    : `no prebuilt addon exists for this platform (prebuilt: ${prebuiltTargets.join(', ')}); build it from source: cd native/delta && npm run build (needs Rust)`;
  const e = new Error(
    `@pipekit/delta-native: no Delta addon for this platform (${target}, Node ${process.version}) — the addon comes in ${pkg}; ${fix}`,
  );
  e.code = 'PIPEKIT_DELTA_NATIVE_MISSING';
  return e;
}

function load() {
  const target = currentTarget();
  const pkg = packageFor(target);
  try {
    return require(pkg);
  } catch (e) {
    if (!isMissing(e, pkg)) throw e;
  }
  const local = `./npm/${target}/${fileFor(target)}`;
  try {
    return require(local);
  } catch (e) {
    if (!isMissing(e, local)) throw e;
  }
  throw missingAddon(target);
}

const addon = load();

// The addon's exports, as src/lib.rs declares them; a test checks this list against index.d.ts.
export const {
  abortWrite,
  appTransactionVersion,
  beginWrite,
  checkpoint,
  compact,
  createTable,
  finishWrite,
  history,
  openTable,
  read,
  readChangeFeed,
  readVersions,
  setStorageOptions,
  vacuum,
  write,
  writeChunk,
} = addon;
