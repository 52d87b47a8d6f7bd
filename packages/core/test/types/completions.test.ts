/**
 * What an editor offers, asked of the TypeScript language service as an editor asks it: the
 * columns a function takes inside `aggregate`, the row's columns after a chain.
 */
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const here = fileURLToPath(new URL('.', import.meta.url));
const parsed = ts.getParsedCommandLineOfConfigFile(
  fileURLToPath(new URL('../../tsconfig.json', import.meta.url)),
  {},
  { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
);
if (!parsed) throw new Error('packages/core/tsconfig.json cannot be read');
const config = parsed;

const file = `${here}completion-probe.ts`;
let content = '';
let version = 0;
// One service for every probe, as an editor keeps one: each probe is an edit of the same file.
const service = ts.createLanguageService({
  getCompilationSettings: () => config.options,
  getScriptFileNames: () => [file],
  getScriptVersion: (f) => (f === file ? String(version) : '0'),
  getScriptSnapshot: (f) =>
    f === file
      ? ts.ScriptSnapshot.fromString(content)
      : ts.sys.fileExists(f)
        ? ts.ScriptSnapshot.fromString(ts.sys.readFile(f) ?? '')
        : undefined,
  getCurrentDirectory: () => here,
  getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
  fileExists: (f) => f === file || ts.sys.fileExists(f),
  readFile: (f) => (f === file ? content : ts.sys.readFile(f)),
  directoryExists: ts.sys.directoryExists,
  getDirectories: ts.sys.getDirectories,
  realpath: ts.sys.realpath,
});

/** The completion names at `|` in a file of `code` after the fixtures' imports. */
function completionsAt(code: string): string[] {
  const text = [
    `import { source, sum } from '../../src/index.js';`,
    `import { purchases } from './fixtures.js';`,
    `const p = purchases();`,
    code,
  ].join('\n');
  const at = text.indexOf('|');
  content = text.replace('|', '');
  version++;
  const r = service.getCompletionsAtPosition(file, at, {});
  return (r?.entries ?? []).map((e) => e.name).sort();
}

describe('completion', () => {
  it('inside aggregate((a) => ...) offers exactly the columns each function takes', () => {
    expect(completionsAt(`p.groupBy('userId').aggregate((a) => ({ t: a.sum('|') }));`)).toEqual([
      'amount',
      'quantity',
    ]);
    expect(completionsAt(`p.groupBy('userId').aggregate((a) => ({ t: a.first('|') }));`)).toEqual([
      'amount',
      'eventTime',
      'eventType',
      'quantity',
      'userId',
      'vip',
    ]);
  });

  it('in sink options that name columns offers the row as it is', () => {
    const perUser = `p.groupBy('userId', 'eventType').aggregate({ n: sum('amount') })`;
    expect(completionsAt(`${perUser}.sink.delta({ path: 'x', partitionBy: ['|'] });`)).toEqual([
      'eventType',
      'n',
      'userId',
    ]);
    expect(
      completionsAt(`p.select('userId', 'vip').sink.kafka({ brokers: [], topic: 't', key: '|' });`),
    ).toEqual(['userId', 'vip']);
  });

  it('after a chain offers the row as it is at that step', () => {
    const chain = `p.withColumn('tax', (r) => r.amount.times(0.2)).drop('vip').select('userId', 'tax')`;
    expect(completionsAt(`${chain}.filter((r) => r.|);`)).toEqual(['tax', 'userId']);
  });
});
