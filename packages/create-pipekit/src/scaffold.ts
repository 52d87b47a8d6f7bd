import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { projectFiles } from './templates.js';

export interface ScaffoldOptions {
  /** The package name (default: the directory's name, lower-cased, npm-safe). */
  readonly name?: string;
  /** The pipekit version to depend on (default: this package's own version). */
  readonly version?: string;
}

export interface ScaffoldResult {
  /** The project directory, absolute. */
  readonly dir: string;
  /** The files written, relative to `dir`. */
  readonly files: readonly string[];
}

/** This package's version: all pipekit packages are released together under one version. */
function ownVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  return (pkg as { version: string }).version;
}

/** An npm package name from a directory name: `My Pipelines` becomes `my-pipelines`. */
function packageName(dir: string): string {
  const name = basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+|-+$/g, '');
  return name || 'pipelines';
}

/**
 * Writes a new pipekit project into `dir`: package.json (dependencies and scripts), tsconfig,
 * one example pipeline, its test with @pipekit/testing, a README and a .gitignore for data and
 * checkpoints. `dir` may exist but must be empty (a `.git` directory aside): nothing is
 * overwritten.
 */
export function scaffold(dir: string, options: ScaffoldOptions = {}): ScaffoldResult {
  const root = resolve(dir);
  if (existsSync(root)) {
    const present = readdirSync(root).filter((f) => f !== '.git');
    if (present.length > 0)
      throw new Error(
        `${root} is not empty (${present.slice(0, 5).join(', ')}${present.length > 5 ? ', ...' : ''}): choose a new directory, e.g. npm create pipekit my-pipelines`,
      );
  }
  const files = projectFiles(options.name ?? packageName(root), options.version ?? ownVersion());
  for (const [path, text] of Object.entries(files)) {
    const target = join(root, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text, { flag: 'wx' });
  }
  return { dir: root, files: Object.keys(files) };
}
