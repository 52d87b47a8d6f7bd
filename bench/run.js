#!/usr/bin/env node
// Runs a benchmark: `npm run bench -- <name>` → bench/<name>.bench.ts with tsx, on the workspace's
// TypeScript sources (the `@pipekit/source` export condition). Results go to bench/results/.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.slice(0, -'.bench.ts'.length));
const name = process.argv[2];
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <name>   (one of: ${available.join(', ') || 'none yet'})`);
  process.exit(2);
}
const file = join(here, `${name}.bench.ts`);
if (!existsSync(file)) process.exit(2);
// --max-semi-space-size: a larger young generation (as `pipe run` sets), so batches of short-lived
// rows die there instead of being promoted and collected by full GCs.
const r = spawnSync(
  process.execPath,
  [
    '--max-semi-space-size=32',
    '--conditions=@pipekit/source',
    '--import',
    'tsx',
    file,
    ...process.argv.slice(3),
  ],
  { stdio: 'inherit', cwd: join(here, '..') },
);
process.exit(r.status ?? 1);
