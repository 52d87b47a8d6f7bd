import { stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';

/** Whether a path holds glob syntax (`*`, `?`, `[ab]`, `{a,b}`, `!(x)`, ...) not escaped. */
export function isGlob(path: string): boolean {
  return isDynamicPattern(path.split(sep).join('/'));
}

/** A path's part before its first glob segment, and the pattern after it (with `/`). */
export function splitGlob(abs: string): { root: string; pattern: string } {
  const parts = abs.split(sep);
  const first = parts.findIndex((p) => isGlob(p));
  return { root: parts.slice(0, first).join(sep) || sep, pattern: parts.slice(first).join('/') };
}

/** A path without glob escapes (`star\\*.jsonl` names the file `star*.jsonl`); not on Windows. */
function withoutEscapes(path: string): string {
  return sep === '/' ? path.replace(/\\([*?[\]{}()!+@])/g, '$1') : path;
}

/**
 * The files a path names, sorted: a file; every data file of a directory (recursively, skipping
 * names starting with `.` or `_`, as Spark does); or the matches of a glob (picomatch syntax
 * through tinyglobby: `*`, `?`, `[ab]`, `**`, `{a,b}`, `!(x)`, `\*` for a literal `*`).
 */
export async function listFiles(path: string): Promise<string[]> {
  const given = resolve(path);
  if (!isGlob(given)) {
    const abs = withoutEscapes(given);
    const s = await stat(abs).catch(() => null);
    if (!s) return [];
    if (s.isFile()) return [abs];
    const files = await glob('**/*', {
      cwd: abs,
      absolute: true,
      onlyFiles: true,
      dot: false,
      ignore: ['**/_*', '**/_*/**'],
      expandDirectories: false,
    });
    return files.map((f) => resolve(f)).sort();
  }
  const { root, pattern } = splitGlob(given);
  const files = await glob(pattern, {
    cwd: root,
    absolute: true,
    onlyFiles: true,
    dot: true,
    expandDirectories: false,
  });
  return [...new Set(files.map((f) => resolve(f)))].sort();
}
