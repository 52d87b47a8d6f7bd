import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { pgHostPort, pgUrl } from './helpers.js';

// What a person sees from `pipe run` when Postgres refuses: the exact lines, from the process.
const pipe = fileURLToPath(new URL('../../cli/bin/pipe.js', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/wrong-password.pipeline.ts', import.meta.url));
const fileFixture = fileURLToPath(
  new URL('./fixtures/wrong-password-file.pipeline.ts', import.meta.url),
);

function run(
  env: Record<string, string>,
  args: readonly string[] = [fixture],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [pipe, 'run', ...args], {
      env: { ...process.env, PIPEKIT_DEV: '1', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('pipe run against PostgreSQL', () => {
  it('a wrong password: one line naming the node, server and user, what to check; never the password', async () => {
    const password = 'hunter2-wrong-Zq9';
    const r = await run({ PIPEKIT_PG_URL: pgUrl, PIPEKIT_TEST_PG_WRONG: password });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `pipe: pipeline failed: pipeline 'wrong-password', node 'customers' (postgres source): cannot connect to PostgreSQL at ${pgHostPort}/pipekit_test as pipekit: password authentication failed for user "pipekit" (check connection.user and the secret behind connection.password)\n`,
    );
    expect(r.stderr).not.toContain(password);
  }, 60_000);

  it('a wrong password from secret.file: never printed, not even in debug logs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pipekit-pw-'));
    const password = 'file-secret-wrong-Xk4';
    writeFileSync(join(dir, 'pw'), `${password}\n`);
    const r = await run({ PIPEKIT_PG_URL: pgUrl, PIPEKIT_TEST_PG_PW_FILE: join(dir, 'pw') }, [
      fileFixture,
      '--log-level',
      'debug',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('password authentication failed for user "pipekit"');
    expect(r.stdout + r.stderr).not.toContain(password);
    const missing = await run({ PIPEKIT_PG_URL: pgUrl, PIPEKIT_TEST_PG_PW_FILE: join(dir, 'no') }, [
      fileFixture,
    ]);
    expect(missing.stderr).toContain(
      `connection.password: secret.file('${join(dir, 'no')}') cannot be read: the file does not exist`,
    );
  }, 180_000);

  it('a server that is not there: fails at once, saying to check that it runs', async () => {
    const url = new URL(pgUrl);
    url.port = '9'; // nothing listens on the discard port here
    const r = await run({ PIPEKIT_PG_URL: url.href, PIPEKIT_TEST_PG_WRONG: 'x' });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `pipe: pipeline failed: pipeline 'wrong-password', node 'customers' (postgres source): cannot connect to PostgreSQL at 127.0.0.1:9/pipekit_test as pipekit: connect ECONNREFUSED 127.0.0.1:9 (is the server running, and are host and port right?)\n`,
    );
  }, 60_000);
});
