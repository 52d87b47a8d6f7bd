import { formatPath } from '@pipekit/core';
import { IndentationText, Project, QuoteKind, type WriterFunction } from 'ts-morph';
import type { Conversion } from '../convert/convert.js';
import type { ConvertWarning } from '../errors.js';
import { dialectNames } from '../read-config.js';
import { formatTypeScript } from './format.js';
import { PlanPrinter } from './plan-printer.js';
import { addStatements } from './statements.js';
import { wrap } from './wrap.js';

export interface PrintedFile {
  readonly code: string;
  /** The conversion's warnings and the printer's own (conditions kept as SQL). */
  readonly warnings: readonly ConvertWarning[];
}

const project = new Project({
  useInMemoryFileSystem: true,
  manipulationSettings: {
    quoteKind: QuoteKind.Single,
    indentationText: IndentationText.TwoSpaces,
    useTrailingCommas: true,
  },
});

/** The header: where the file came from, what did not carry over and what to check. */
function header(c: Conversion, warnings: readonly ConvertWarning[]): WriterFunction {
  const lines = [
    `${c.plan.name}: converted by pipe-codegen from ${c.file} (${dialectNames[c.dialect]} config).`,
  ];
  const list = (title: string, ws: readonly ConvertWarning[]) => {
    if (ws.length === 0) return;
    lines.push('', title);
    for (const w of ws)
      lines.push(`- ${w.message}${w.path.length > 0 ? ` (${formatPath(w.path)})` : ''}`);
  };
  list(
    'Not carried over:',
    warnings.filter((w) => w.kind === 'notCarriedOver'),
  );
  list(
    'Check before running:',
    warnings.filter((w) => w.kind === 'check'),
  );
  return (w) => {
    w.writeLine('/**');
    for (const l of lines.flatMap((x) => wrap(x, 96))) w.writeLine(l === '' ? ' *' : ` * ${l}`);
    w.writeLine(' */');
  };
}

/** The TypeScript file for a conversion: built with ts-morph, formatted by Biome with the repository's settings. */
export function printFile(c: Conversion): PrintedFile {
  const printer = new PlanPrinter(c.plan, c.annotations);
  const statements = printer.print();
  const printNotes: ConvertWarning[] = printer.notes.map((n) => ({
    kind: 'check',
    path: c.annotations.paths.get(n.nodeId) ?? [],
    message: n.message,
  }));
  const warnings = [...c.warnings, ...printNotes];
  // A first pass lays the statements out: a few names are imported only for the layout chosen
  // (a long condition written `and(...)`), and the imports come first in the file.
  const draft = project.createSourceFile('draft.pipeline.ts', '', { overwrite: true });
  addStatements(draft, statements);
  project.removeSourceFile(draft);
  const file = project.createSourceFile('generated.pipeline.ts', '', { overwrite: true });
  file.addImportDeclaration({
    leadingTrivia: header(c, warnings),
    moduleSpecifier: '@pipekit/core',
    namedImports: [...printer.imports].sort(byName),
  });
  if (printer.usesZod) file.addImportDeclaration({ moduleSpecifier: 'zod', namedImports: ['z'] });
  addStatements(file, statements);
  const code = formatTypeScript(file.getFullText());
  project.removeSourceFile(file);
  return { code, warnings };
}

function byName(a: string, b: string): number {
  return a.localeCompare(b, 'en', { sensitivity: 'base' }) || (a < b ? -1 : 1);
}
