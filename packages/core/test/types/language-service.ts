/**
 * The TypeScript language service as an editor drives it, over packages/core's tsconfig: one probe
 * file whose text each call replaces (an edit), asked for completions or the hover at `|`.
 */
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const here = fileURLToPath(new URL('.', import.meta.url));
const parsed = ts.getParsedCommandLineOfConfigFile(
  fileURLToPath(new URL('../../tsconfig.json', import.meta.url)),
  {},
  { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
);
if (!parsed) throw new Error('packages/core/tsconfig.json cannot be read');
const config = parsed;

const file = `${here}language-service-probe.ts`;
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

/** Makes `code` (after the fixtures' imports) the probe's text; the position of its `|`. */
function edit(code: string): number {
  const text = [
    `import { avg, count, countDistinct, first, last, max, min, source, sum, tumbling } from '../../src/index.js';`,
    `import { Click, purchases } from './fixtures.js';`,
    `const p = purchases();`,
    code,
  ].join('\n');
  const at = text.indexOf('|');
  content = text.replace('|', '');
  version++;
  return at;
}

/** The completion names at `|`, sorted. */
export function completionsAt(code: string): string[] {
  const at = edit(code);
  const r = service.getCompletionsAtPosition(file, at, {});
  return (r?.entries ?? []).map((e) => e.name).sort();
}

/** What an editor's hover shows at `|`: the symbol's display and its doc comment. */
export function hoverAt(code: string): { display: string; doc: string } {
  const at = edit(code);
  const q = service.getQuickInfoAtPosition(file, at);
  return {
    display: ts.displayPartsToString(q?.displayParts),
    doc: ts.displayPartsToString(q?.documentation),
  };
}

/** The doc comment of completion entry `name` at `|` (what the editor shows beside the list). */
export function completionDocAt(code: string, name: string): string {
  const at = edit(code);
  const d = service.getCompletionEntryDetails(file, at, name, {}, undefined, undefined, undefined);
  return ts.displayPartsToString(d?.documentation);
}
