import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Pipeline } from '@pipekit/core';

const here = dirname(fileURLToPath(import.meta.url));
export const packageDir = resolve(here, '..');
export const repoRoot = resolve(packageDir, '../..');
/** The legacy corpus, copied into the repository so a clone alone runs the tests. */
export const legacyDir = resolve(repoRoot, 'test/fixtures/legacy');
export const fixturesDir = join(here, 'fixtures');
/** Generated files are written inside the package so `@pipekit/core` and `zod` resolve from them. */
export const generatedDir = join(here, '.generated');

export interface ConfigFile {
  /** `steps/event-stream.json`: the name used in messages and for the snapshot. */
  readonly file: string;
  readonly path: string;
}

export function configsIn(root: string): ConfigFile[] {
  const out: ConfigFile[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(json|ya?ml)$/.test(e.name)) out.push({ file: relative(root, p), path: p });
    }
  };
  walk(root);
  return out;
}

export function read(path: string): string {
  return readFileSync(path, 'utf8');
}

/** `steps/event-stream.json` → `steps/event-stream.pipeline.ts` */
export function outName(file: string): string {
  return file.replace(/\.(json|ya?ml)$/, '.pipeline.ts');
}

export function writeGenerated(name: string, code: string): string {
  const path = join(generatedDir, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, code);
  return path;
}

export function writeGeneratedTsconfig(): string {
  const path = join(generatedDir, 'tsconfig.json');
  const config = {
    extends: relative(generatedDir, join(repoRoot, 'tsconfig.base.json')),
    compilerOptions: { noEmit: true },
    include: ['**/*.ts'],
  };
  mkdirSync(generatedDir, { recursive: true });
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`);
  return path;
}

/** Evaluates a generated file, as `pipe run` would load it. */
export async function evaluate(path: string): Promise<Pipeline> {
  const mod = (await import(pathToFileURL(path).href)) as { default: Pipeline };
  return mod.default;
}
