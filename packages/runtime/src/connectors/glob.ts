import { readdir, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';

/** Whether a path holds glob characters. */
export function isGlob(path: string): boolean {
  return /[*?[]/.test(path);
}

function segmentPattern(seg: string): RegExp {
  let re = '';
  for (let i = 0; i < seg.length; i++) {
    const ch = seg[i]!;
    if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (ch === '[') {
      const close = seg.indexOf(']', i);
      if (close < 0) re += '\\[';
      else {
        re += `[${seg
          .slice(i + 1, close)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else re += ch.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

async function walk(dir: string, segments: readonly string[], out: string[]): Promise<void> {
  const [head, ...rest] = segments;
  if (head === undefined) return;
  if (head === '**') {
    await walk(dir, rest, out);
    for (const e of await entries(dir))
      if (e.isDirectory()) await walk(join(dir, e.name), segments, out);
    return;
  }
  if (!isGlob(head)) {
    const p = join(dir, head);
    if (rest.length === 0) {
      if ((await stat(p).catch(() => null))?.isFile()) out.push(p);
    } else await walk(p, rest, out);
    return;
  }
  const re = segmentPattern(head);
  for (const e of await entries(dir)) {
    if (!re.test(e.name)) continue;
    if (rest.length === 0 && e.isFile()) out.push(join(dir, e.name));
    else if (rest.length > 0 && e.isDirectory()) await walk(join(dir, e.name), rest, out);
  }
}

async function entries(dir: string) {
  return readdir(dir, { withFileTypes: true }).catch(() => []);
}

/**
 * The files a path names, sorted: a file; every data file of a directory (recursively, skipping
 * names starting with `.` or `_`, as Spark does); or the matches of a glob (`*`, `?`, `[ab]`, `**`).
 */
export async function listFiles(path: string): Promise<string[]> {
  const abs = resolve(path);
  if (!isGlob(abs)) {
    const s = await stat(abs).catch(() => null);
    if (!s) return [];
    if (s.isFile()) return [abs];
    const out: string[] = [];
    await walk(abs, ['**', '*'], out);
    return out
      .filter(
        (f) =>
          !f
            .slice(abs.length + 1)
            .split(sep)
            .some((p) => p.startsWith('.') || p.startsWith('_')),
      )
      .sort();
  }
  const parts = abs.split(sep);
  const firstGlob = parts.findIndex(isGlob);
  const root = parts.slice(0, firstGlob).join(sep) || sep;
  const out: string[] = [];
  await walk(root, parts.slice(firstGlob), out);
  return [...new Set(out)].sort();
}
