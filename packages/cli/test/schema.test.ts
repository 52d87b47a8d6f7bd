import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repo, runPipe } from './pipe-process.js';

const services = join(repo, 'test', 'services', 'postgres.sh');

const pipe = (args: string[], env: Record<string, string> = {}) => runPipe(args, { env });

describe('pipe schema', () => {
  let url = '';
  beforeAll(() => {
    execFileSync('bash', [services, 'start'], { stdio: 'ignore', timeout: 240_000 });
    url = execFileSync('bash', [services, 'url'], { encoding: 'utf8' }).trim();
    execFileSync(
      'psql',
      [
        url,
        '-v',
        'ON_ERROR_STOP=1',
        '-q',
        '-c',
        'DROP TABLE IF EXISTS cli_customers; CREATE TABLE cli_customers (id bigint PRIMARY KEY, name text NOT NULL, credit numeric(12,2), joined timestamptz)',
      ],
      {
        env: { ...process.env, PGPASSWORD: 'pipekit', PGOPTIONS: '--client-min-messages=warning' },
        timeout: 30_000,
      },
    );
  }, 300_000);

  it("prints a table's zod schema without showing the password", async () => {
    const r = await pipe(
      [
        'schema',
        'postgres',
        '--table',
        'cli_customers',
        '--url',
        url,
        '--password-env',
        'PIPEKIT_TEST_PG_PASSWORD',
      ],
      {
        PIPEKIT_TEST_PG_PASSWORD: 'pipekit',
      },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("import { z } from 'zod';");
    expect(r.stdout).toMatch(/id: .*,/);
    expect(r.stdout).toMatch(/name: z\.string\(\),/);
    expect(r.stdout).toMatch(/joined: .*nullable\(\)/);
    expect(r.stdout).not.toContain('pipekit@');
  });

  it('a wrong password is a clear error (exit 2) that does not contain it', async () => {
    const r = await pipe(
      [
        'schema',
        'postgres',
        '--table',
        'cli_customers',
        '--url',
        url,
        '--password-env',
        'WRONG_PW',
      ],
      { WRONG_PW: 's3cret-wrong' },
    );
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/^pipe: /);
    expect(r.stderr).not.toContain('s3cret-wrong');
  });

  it.each([
    [['schema', 'mysql', '--table', 't'], "knows postgres, not 'mysql'"],
    [['schema', 'postgres'], 'needs --table'],
    [['schema', 'postgres', '--table', 't', '--once'], 'takes no option --once'],
  ])('usage errors exit 2: %j', async (args, message) => {
    const r = await pipe(args, { PIPEKIT_PG_URL: 'postgres://nobody@127.0.0.1:1/x' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });
});
