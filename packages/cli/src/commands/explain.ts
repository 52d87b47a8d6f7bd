import { writeFileSync } from 'node:fs';
import { explain } from '@pipekit/core';
import { UsageError } from '../errors.js';
import { loadPipelines } from '../load-pipeline.js';
import { renderSvg } from '../svg.js';

export const explainFormats = ['mermaid', 'json', 'svg'] as const;
export type ExplainFormat = (typeof explainFormats)[number];

/** `pipe explain <file> [--format mermaid|json|svg] [-o out]`: the DAG as text or a picture. */
export async function explainCommand(
  file: string,
  options: { format: string; out: string | undefined },
  io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream },
): Promise<number> {
  if (!(explainFormats as readonly string[]).includes(options.format))
    throw new UsageError(`unknown format '${options.format}' (use ${explainFormats.join(', ')})`);
  const { pipelines } = await loadPipelines(file);
  const plans = pipelines.map((p) => p.plan);
  let text: string;
  switch (options.format as ExplainFormat) {
    case 'mermaid':
      text = plans.map((p) => explain(p)).join('\n');
      break;
    case 'json':
      text = `${JSON.stringify(plans.length === 1 ? plans[0] : plans, null, 2)}\n`;
      break;
    case 'svg':
      if (plans.length > 1 && options.out === undefined)
        throw new UsageError(
          'several pipelines: give -o for the first, or explain them one file each',
        );
      text = renderSvg(plans[0]!);
      break;
  }
  if (options.out === undefined) io.stdout.write(text);
  else {
    try {
      writeFileSync(options.out, text);
    } catch (e) {
      throw new UsageError(`cannot write ${options.out}: ${(e as Error).message}`);
    }
    io.stderr.write(`wrote ${options.out}\n`);
  }
  return 0;
}
