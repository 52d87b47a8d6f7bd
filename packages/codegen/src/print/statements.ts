import { type SourceFile, VariableDeclarationKind, type WriterFunction } from 'ts-morph';
import { commentLines, type Emit } from './emit.js';

/**
 * A top-level statement of a generated file, as the printer decides it: a `const` (a zod schema or
 * a stream read by several steps) or the `export default` pipeline, with the comments above it.
 * ts-morph builds the statements; their expressions are written on its `CodeBlockWriter`.
 */
export type TopStatement =
  | {
      readonly kind: 'const';
      readonly name: string;
      readonly comments: readonly string[];
      readonly initializer: Emit;
    }
  | {
      readonly kind: 'exportDefault';
      readonly comments: readonly string[];
      readonly expression: Emit;
    };

/**
 * What goes before a statement: a blank line (people separate top-level statements), then its
 * comments as `// ...` lines wrapped to the line width.
 */
function leading(comments: readonly string[]): WriterFunction {
  return (w) => {
    w.blankLineIfLastNot();
    commentLines(comments)(w);
  };
}

/** Adds the statements to a ts-morph source file as structures. */
export function addStatements(file: SourceFile, statements: readonly TopStatement[]): void {
  for (const s of statements) {
    const leadingTrivia = leading(s.comments);
    if (s.kind === 'const')
      file.addVariableStatement({
        declarationKind: VariableDeclarationKind.Const,
        leadingTrivia,
        declarations: [{ name: s.name, initializer: s.initializer }],
      });
    else
      file.addExportAssignment({ isExportEquals: false, leadingTrivia, expression: s.expression });
  }
}
