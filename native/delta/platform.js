// Which prebuilt addon fits this machine, named as napi-rs names its targets. Shared by the loader
// (index.js) and the build (scripts/build.mjs), so both agree on the per-platform package.
import { readFileSync } from 'node:fs';

/**
 * Targets published as per-platform packages (npm/<target>/, `napi.targets` in package.json).
 * README.md lists the rest of the release matrix and what each needs.
 */
export const prebuiltTargets = Object.freeze(['linux-x64-gnu']);

/** Musl or glibc: Alpine's ldd is musl's; Node's report names the glibc it runs on. */
function linuxLibc() {
  try {
    if (readFileSync('/usr/bin/ldd', 'utf8').includes('musl')) return 'musl';
  } catch {
    // no ldd: ask Node
  }
  const header = process.report?.getReport?.().header;
  return header?.glibcVersionRuntime ? 'gnu' : 'musl';
}

/** This machine as a napi-rs target (`linux-x64-gnu`, `darwin-arm64`, ...). */
export function currentTarget() {
  const { platform, arch } = process;
  if (platform === 'linux') return `linux-${arch}-${linuxLibc()}`;
  if (platform === 'win32') return `win32-${arch}-msvc`;
  return `${platform}-${arch}`;
}

/** The per-platform package that carries the addon for `target`. */
export function packageFor(target) {
  return `@pipekit/delta-native-${target}`;
}

/** The addon's file name inside that package. */
export function fileFor(target) {
  return `pipekit-delta.${target}.node`;
}
