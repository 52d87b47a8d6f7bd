/**
 * The duration type stays cheap: checking a duration string costs a few hundred types, not the
 * ~78k of a union of every two- and three-part combination (which made each re-check of a file
 * with a duration several times slower in an editor). Counts are exact, so this is no timing test.
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
const options = parsed.options;

/** Types the checker creates to check a file of `code` (given `tumbling` and `count`). */
function typesToCheck(code: string): number {
  const file = `${here}duration-cost-probe.ts`;
  const text = `import { count, tumbling } from '../../src/index.js';\nexport const w = ${code};\n`;
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  host.readFile = (f) => (f === file ? text : read(f));
  const exists = host.fileExists.bind(host);
  host.fileExists = (f) => f === file || exists(f);
  const program = ts.createProgram([file], options, host);
  const diagnostics = program.getSemanticDiagnostics(program.getSourceFile(file));
  expect(diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
  return program.getTypeCount();
}

describe('the duration type', () => {
  it('costs a few hundred types', () => {
    // A whole `tumbling('5 minutes')` call: ~1k types (most of them its WindowSpec's), of which the
    // duration union is ~170; with every combination of parts it was 78,641.
    const extra = typesToCheck(`tumbling('5 minutes')`) - typesToCheck('count()');
    expect(extra).toBeLessThan(2000);
  });
});
