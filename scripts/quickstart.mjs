#!/usr/bin/env node
// `npm run quickstart`: builds what the CLI needs, runs examples/quickstart.pipeline.ts and shows
// the table it wrote. A line for every step and, during the Rust build (minutes on a fresh
// machine), its progress; the build tools' own output is kept and shown only if a build fails.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildWithProgress, clock } from './quickstart/rust-progress.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const pipe = ['packages/cli/bin/pipe.js'];
const table = 'data/quickstart/revenue-per-user';
const started = Date.now();
const say = (text) => process.stdout.write(`${text}\n`);

/** Runs node with `args` in the repository; resolves with the exit code and, if captured, the output. */
function node(args, { capture, onLine }) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: root,
      stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    });
    let output = '';
    let partial = '';
    const onData = (d) => {
      output += d;
      if (!onLine) return;
      partial += d;
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    };
    if (capture) {
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
    }
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

function failed(step, output) {
  process.stderr.write(`${output}\nquickstart: ${step} failed (its output is above)\n`);
  return 1;
}

async function main() {
  say(
    'quickstart 1/4: the Delta addon (Rust; the first build compiles ~300 crates, about 10-15 min on 2 cores, cached in ~/.cache/pipekit)',
  );
  const rust = await buildWithProgress({
    cwd: `${root}native/delta`,
    script: 'scripts/build.mjs',
    args: ['--release'],
    report: (line, final) =>
      process.stdout.isTTY && !final
        ? process.stdout.write(`\r\x1b[K  rust: ${line}`)
        : say(`${process.stdout.isTTY ? '\r\x1b[K' : ''}  rust: ${line}`),
  });
  if (rust.code !== 0) return failed('the Rust build', rust.output);

  say('quickstart 2/4: building the TypeScript packages');
  const seen = new Set();
  const ts = await node(
    [
      'scripts/turbo.mjs',
      'run',
      'build',
      '--filter=@pipekit/cli...',
      '--filter=@pipekit/delta...',
      '--output-logs=hash-only',
    ],
    {
      capture: true,
      onLine: (line) => {
        const m = /^(\S+):build: cache (hit|miss|bypass)/.exec(line);
        if (!m || seen.has(m[1]) || m[1] === '@pipekit/delta-native') return;
        seen.add(m[1]);
        say(`  ${m[1]}${m[2] === 'hit' ? ' (unchanged)' : ': compiling'}`);
      },
    },
  );
  if (ts.code !== 0) return failed('the build', ts.output);

  say('quickstart 3/4: pipe run examples/quickstart.pipeline.ts');
  const run = await node([...pipe, 'run', 'examples/quickstart.pipeline.ts'], { capture: false });
  if (run.code !== 0) return run.code;
  say(`quickstart 4/4: pipe delta show ${table} --limit 10`);
  const show = await node([...pipe, 'delta', 'show', table, '--limit', '10'], { capture: false });
  if (show.code !== 0) return show.code;
  say(
    `quickstart: done in ${clock(Date.now() - started)}; the table is in ${table} (npx pipe delta history ${table})`,
  );
  return 0;
}

process.exitCode = await main();
