import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { repo } from './pipe-process.js';

describe('a quiet install', () => {
  it('npm ci on this Node version: no EBADENGINE (nor any other) warning', async () => {
    // --dry-run checks the lockfile against this Node and npm without touching node_modules.
    const out = await new Promise<string>((resolve) => {
      const child = spawn(
        'npm',
        ['ci', '--dry-run', '--ignore-scripts', '--no-audit', '--no-fund'],
        {
          cwd: repo,
        },
      );
      let text = '';
      child.stdout.on('data', (d) => (text += String(d)));
      child.stderr.on('data', (d) => (text += String(d)));
      child.on('close', () => resolve(text));
    });
    expect(out).not.toContain('EBADENGINE');
    expect(out).not.toMatch(/npm (warn|WARN)/);
  }, 120_000);
});
