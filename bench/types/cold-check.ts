/**
 * A cold check, as `tsc --noEmit` does it, in a fresh process: `tsx cold-check.ts <tsconfig.json>`
 * prints the check's wall and CPU time (binding excluded, as tsc's "Check time"), and the types and instantiations it made, as JSON.
 */
import ts from 'typescript';
import { timer } from './editor.js';

const configFile = process.argv[2];
if (!configFile) throw new Error('usage: cold-check.ts <tsconfig.json>');
const config = ts.getParsedCommandLineOfConfigFile(
  configFile,
  {},
  { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => console.error(d.messageText) },
);
if (!config) process.exit(2);
const program = ts.createProgram(config.fileNames, config.options);
// Binding and the checker's set-up first, as tsc reports them apart from its "Check time".
program.getTypeChecker();
const t = timer();
const errors = program.getSemanticDiagnostics().length;
const { ms, cpuMs } = t();
console.log(
  JSON.stringify({
    checkMs: ms,
    checkCpuMs: cpuMs,
    errors,
    types: program.getTypeCount(),
    instantiations: program.getInstantiationCount(),
  }),
);
