#!/usr/bin/env node
// `npm run quickstart`: builds what the CLI needs, runs examples/quickstart.pipeline.ts and shows
// the table it wrote. It prints its own steps and their results only: the build's output is kept
// and shown only if the build fails.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pipe = ['packages/cli/bin/pipe.js'];
const table = 'data/quickstart/revenue-per-user';

/** Runs node with `args` in the repository; resolves with the exit code and, if captured, the output. */
function node(args, { capture }) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: root,
      stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    });
    let output = '';
    if (capture) {
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
    }
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

async function main() {
  process.stdout.write(
    'quickstart 1/3: building the packages (the first time this compiles the Delta addon from Rust, about 13 min on 2 cores; later runs take seconds)\n',
  );
  const build = await node(
    ['scripts/turbo.mjs', 'run', 'build', '--filter=@pipekit/cli...', '--output-logs=errors-only'],
    { capture: true },
  );
  if (build.code !== 0) {
    process.stderr.write(`${build.output}\nquickstart: the build failed (its output is above)\n`);
    return build.code;
  }
  process.stdout.write('quickstart 2/3: pipe run examples/quickstart.pipeline.ts\n');
  const run = await node([...pipe, 'run', 'examples/quickstart.pipeline.ts'], { capture: false });
  if (run.code !== 0) return run.code;
  process.stdout.write(`quickstart 3/3: pipe delta show ${table} --limit 10\n`);
  return (await node([...pipe, 'delta', 'show', table, '--limit', '10'], { capture: false })).code;
}

process.exitCode = await main();
