// Run inside the user's project: asks that project's TypeScript language service what it offers
// at `.filter((r) => r.` and prints the completion names as JSON. argv: file, marker text.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const require = createRequire(join(process.cwd(), 'package.json'));
const ts = require('typescript');
const [file, marker] = process.argv.slice(2);
const target = resolve(file);
const text = readFileSync(target, 'utf8');
const position = text.indexOf(marker) + marker.length;
const config = ts.getParsedCommandLineOfConfigFile(
  resolve('tsconfig.json'),
  {},
  { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => console.error(d.messageText) },
);
const host = {
  getScriptFileNames: () => [...config.fileNames, target],
  getScriptVersion: () => '1',
  getScriptSnapshot: (f) =>
    ts.sys.fileExists(f) ? ts.ScriptSnapshot.fromString(ts.sys.readFile(f)) : undefined,
  getCurrentDirectory: () => process.cwd(),
  getCompilationSettings: () => config.options,
  getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
  fileExists: ts.sys.fileExists,
  readFile: ts.sys.readFile,
  readDirectory: ts.sys.readDirectory,
  directoryExists: ts.sys.directoryExists,
  getDirectories: ts.sys.getDirectories,
};
const service = ts.createLanguageService(host, ts.createDocumentRegistry());
const completions = service.getCompletionsAtPosition(target, position, {});
console.log(JSON.stringify((completions?.entries ?? []).map((e) => e.name)));
