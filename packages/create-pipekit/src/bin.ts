import { relative } from 'node:path';
import { scaffold } from './scaffold.js';

const usage = `usage: npm create pipekit [dir]     (or: npx pipe init [dir])

Writes a new pipekit project into dir (default: pipekit-pipelines): package.json, tsconfig,
pipelines/revenue.pipeline.ts, its test, a README and a .gitignore for data and checkpoints.
`;

/** `create-pipekit [dir]` / `pipe init [dir]`: returns the exit code. */
export function main(
  args: readonly string[],
  stdout: NodeJS.WritableStream,
  stderr: NodeJS.WritableStream,
): number {
  if (args.includes('--help') || args.includes('-h')) {
    stdout.write(usage);
    return 0;
  }
  const positional = args.filter((a) => !a.startsWith('-'));
  const unknown = args.filter((a) => a.startsWith('-'));
  if (unknown.length > 0 || positional.length > 1) {
    stderr.write(
      `unexpected arguments: ${[...unknown, ...positional.slice(1)].join(' ')}\n${usage}`,
    );
    return 2;
  }
  const dir = positional[0] ?? 'pipekit-pipelines';
  let result: ReturnType<typeof scaffold>;
  try {
    result = scaffold(dir);
  } catch (e) {
    stderr.write(`${(e as Error).message}\n`);
    return 1;
  }
  const shown = relative(process.cwd(), result.dir) || '.';
  stdout.write(`created ${shown}:\n${result.files.map((f) => `  ${f}\n`).join('')}\nnext:\n`);
  if (shown !== '.') stdout.write(`  cd ${shown}\n`);
  stdout.write(
    '  npm install\n  npm test        the example pipeline, tested\n  npm start       run it\n',
  );
  return 0;
}
