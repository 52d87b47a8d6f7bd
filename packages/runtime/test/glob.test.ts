import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isGlob, listFiles } from '../src/connectors/glob.js';

const root = mkdtempSync(join(tmpdir(), 'pipekit-glob-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
for (const f of [
  'a.jsonl',
  'b.jsonl',
  'c.csv',
  'star*.jsonl',
  '.hidden.jsonl',
  '_SUCCESS',
  'day=1/x.jsonl',
  'day=2/y.jsonl',
  '_tmp/z.jsonl',
]) {
  mkdirSync(join(root, f, '..'), { recursive: true });
  writeFileSync(join(root, f), '');
}
const names = async (pattern: string) =>
  (await listFiles(join(root, pattern))).map((f) => relative(root, f));

describe('listFiles', () => {
  it('a directory: its data files, recursively, without names starting with . or _', async () => {
    expect(await names('.')).toEqual([
      'a.jsonl',
      'b.jsonl',
      'c.csv',
      'day=1/x.jsonl',
      'day=2/y.jsonl',
      'star*.jsonl',
    ]);
  });

  it('globs: *, **, braces, negation, classes, and escapes', async () => {
    expect(await names('*.jsonl')).toEqual(['.hidden.jsonl', 'a.jsonl', 'b.jsonl', 'star*.jsonl']);
    expect(await names('**/*.jsonl')).toContain('day=2/y.jsonl');
    expect(await names('{a,c}.*')).toEqual(['a.jsonl', 'c.csv']);
    expect(await names('!(a|star*).jsonl')).toEqual(['.hidden.jsonl', 'b.jsonl']);
    expect(await names('[ab].jsonl')).toEqual(['a.jsonl', 'b.jsonl']);
    expect(await names('star\\*.jsonl')).toEqual(['star*.jsonl']);
    expect(await names('day=*/*.jsonl')).toEqual(['day=1/x.jsonl', 'day=2/y.jsonl']);
  });

  it('a file is itself; a missing path is nothing', async () => {
    expect(await names('c.csv')).toEqual(['c.csv']);
    expect(await names('nope')).toEqual([]);
  });

  it('tells globs from paths, escapes included', () => {
    expect(isGlob('/data/{a,b}.jsonl')).toBe(true);
    expect(isGlob('/data/a.jsonl')).toBe(false);
    expect(isGlob('/data/star\\*.jsonl')).toBe(false);
  });
});
