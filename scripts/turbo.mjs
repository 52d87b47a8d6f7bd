#!/usr/bin/env node
// Runs turbo for the project's npm scripts with its telemetry and update notice off, so a first
// run prints only the tasks' own output (turbo otherwise prints a telemetry banner once per
// machine). Arguments pass through: `node scripts/turbo.mjs run build --filter=@pipekit/cli...`.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const bin = require.resolve('turbo/bin/turbo');
const r = spawnSync(process.execPath, [bin, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', TURBO_NO_UPDATE_NOTIFIER: '1' },
});
process.exitCode = r.status ?? 1;
