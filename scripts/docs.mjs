#!/usr/bin/env node
// `npm run docs`: the generated documentation. docs/reference/sql-functions.md from the SQL
// function registry, then the API reference (TypeDoc over the packages' public entry points) into
// docs/api/, failing on any warning (an exported symbol without documentation is one).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { sqlFunctionReference } = await import('../packages/core/src/expr/function-reference.ts');
writeFileSync(`${root}docs/reference/sql-functions.md`, sqlFunctionReference());
process.stdout.write('docs: wrote docs/reference/sql-functions.md\n');

if (!process.argv.includes('--sql-only')) {
  const r = spawnSync('npx', ['typedoc', '--options', 'typedoc.json'], {
    cwd: root,
    stdio: 'inherit',
  });
  process.exitCode = r.status ?? 1;
}
