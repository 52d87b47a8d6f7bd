/**
 * @pipekit/codegen: legacy JSON/YAML pipeline configs (step-list, ETL framework, streaming-node
 * dialects) to idiomatic pipekit DSL code. Stage one converts a config to a `Plan` by calling the
 * builders; stage two prints that plan as the builder calls that make it.
 *
 * ```ts
 * import { generate } from '@pipekit/codegen';
 * const { code, warnings } = generate('legacy.json', text);
 * ```
 */
import { type Conversion, type ConvertOptions, convertConfig } from './convert/convert.js';
import type { ConvertWarning } from './errors.js';
import { printFile } from './print/print-file.js';

/** The command line, for `pipe codegen`: `process.exitCode = runCli(argv)`. */
export { type Io, main as runCli } from './cli.js';
export type { Annotations } from './convert/build.js';
export { type Conversion, type ConvertOptions, convertConfig } from './convert/convert.js';
export type { Dialect } from './convert/ir.js';
export { ConvertError, type ConvertWarning, formatWarning } from './errors.js';
export { type PrintedFile, printFile } from './print/print-file.js';
export { detectDialect, readConfig } from './read-config.js';

export interface Generated {
  readonly conversion: Conversion;
  readonly code: string;
  readonly warnings: readonly ConvertWarning[];
}

/** A legacy config's text to TypeScript source: convert, then print. */
export function generate(file: string, text: string, options: ConvertOptions = {}): Generated {
  const conversion = convertConfig(file, text, options);
  const { code, warnings } = printFile(conversion);
  return { conversion, code, warnings };
}
