import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The page's files, shipped in the package (`static/ui`, the same from `src/` and `dist/`). */
export const staticDir = fileURLToPath(new URL('../../static/ui/', import.meta.url));

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** The chart library's files, as the page asks for them, and their names in the uplot package. */
export const vendored: Record<string, string> = {
  'vendor/uPlot.iife.min.js': 'uPlot.iife.min.js',
  'vendor/uPlot.min.css': 'uPlot.min.css',
};

const pageFiles = new Set([
  'index.html',
  'app.js',
  'charts.js',
  'dag.js',
  'format.js',
  'style.css',
]);

export interface StaticFile {
  readonly body: Buffer;
  readonly type: string;
}

const cache = new Map<string, StaticFile>();

/**
 * A file of the page by its path (`app.js`, `vendor/uPlot.iife.min.js`); null for any other path.
 * The chart library is copied into `static/ui/vendor` when the package is built; from a source
 * checkout that has not run the build it is read from the installed uplot package (a dependency).
 */
export async function staticFile(path: string): Promise<StaticFile | null> {
  const name = path === '' ? 'index.html' : path;
  const cached = cache.get(name);
  if (cached) return cached;
  let file: string;
  if (pageFiles.has(name)) file = join(staticDir, name);
  else if (name in vendored) file = join(staticDir, name);
  else return null;
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch (e) {
    if (!(name in vendored)) throw e;
    const require = createRequire(import.meta.url);
    body = await readFile(join(require.resolve('uplot'), '..', vendored[name]!));
  }
  const made = { body, type: types[name.slice(name.lastIndexOf('.'))] ?? 'text/plain' };
  cache.set(name, made);
  return made;
}
