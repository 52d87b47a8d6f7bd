import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { secret, secretResolver } from '@pipekit/core';
import { vaultSecretProvider } from '@pipekit/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  putSecret,
  startVault,
  vaultAddr,
  vaultToken,
} from '../../../test/services/vault-client.js';
import { describeTable } from '../src/index.js';
import { pgUrl, sql, unique } from './helpers.js';

// A pipeline whose Postgres user and password come from Vault, run by `pipe run` as a person
// would; and a password rotated in Vault and in Postgres picked up without a restart.
const pipe = fileURLToPath(new URL('../../cli/bin/pipe.js', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/vault-credentials.pipeline.ts', import.meta.url));
const role = unique('vault_role');
const table = unique('vault_customers');
const first = `first-${role}-Pw1`;
const rotated = `rotated-${role}-Pw2`;
const urlNoUser = (() => {
  const u = new URL(pgUrl);
  u.username = '';
  return u.href;
})();

function run(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [pipe, 'run', fixture, '--log-level', 'debug'], {
      env: {
        ...process.env,
        PIPEKIT_DEV: '1',
        PIPEKIT_PG_URL: urlNoUser,
        PIPEKIT_TEST_TABLE: table,
        VAULT_ADDR: vaultAddr,
        VAULT_TOKEN: vaultToken,
        ...env,
      },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => (out += String(d)));
    child.on('close', (code) => resolve({ code, out }));
  });
}

beforeAll(async () => {
  startVault();
  await sql(`CREATE ROLE ${role} LOGIN PASSWORD '${first}'`);
  await sql(`CREATE TABLE ${table} (id bigint)`);
  await sql(`INSERT INTO ${table} SELECT generate_series(1, 3)`);
  await sql(`GRANT SELECT ON ${table} TO ${role}`);
  await putSecret(`pipekit-test/${role}`, { username: role, password: first });
}, 40 * 60_000);

afterAll(async () => {
  await sql(`DROP TABLE IF EXISTS ${table}`);
  await sql(`DROP ROLE IF EXISTS ${role}`);
});

describe('Postgres credentials from Vault', () => {
  it('pipe run reads the table as the Vault user; no password in any output, even debug logs', async () => {
    const r = await run({ PIPEKIT_TEST_VAULT_PATH: `secret/data/pipekit-test/${role}` });
    expect(r.out).toContain('rows read');
    expect(r.code).toBe(0);
    expect(r.out).not.toContain(first);
  }, 120_000);

  it('a wrong password in Vault: the error names the user, never the password', async () => {
    await putSecret(`pipekit-test/${role}-wrong`, { username: role, password: 'wrong-Pw3' });
    const r = await run({ PIPEKIT_TEST_VAULT_PATH: `secret/data/pipekit-test/${role}-wrong` });
    expect(r.code).toBe(1);
    expect(r.out).toContain(`password authentication failed for user "${role}"`);
    expect(r.out).not.toContain('wrong-Pw3');
  }, 120_000);

  it('a missing Vault path: the error names the reference', async () => {
    const r = await run({ PIPEKIT_TEST_VAULT_PATH: 'secret/data/pipekit-test/missing' });
    // Read before anything connects: a configuration error (exit 2), like a missing file.
    expect(r.code).toBe(2);
    expect(r.out).toContain(
      "connection.credentials: secret.vault('secret/data/pipekit-test/missing') cannot be read: Vault has no secret at secret/data/pipekit-test/missing",
    );
  }, 120_000);

  it('a password rotated in Postgres and Vault is read again after the login is refused', async () => {
    const secrets = secretResolver([
      vaultSecretProvider({ address: vaultAddr, token: vaultToken }),
    ]);
    const connection = {
      url: urlNoUser,
      user: secret.vault(`secret/data/pipekit-test/${role}`, { key: 'username' }),
      password: secret.vault(`secret/data/pipekit-test/${role}`, { key: 'password' }),
    };
    await secrets.load?.([connection.user, connection.password]);
    expect(await describeTable(connection, table, secrets)).toContain('id');
    await sql(`ALTER ROLE ${role} PASSWORD '${rotated}'`);
    await putSecret(`pipekit-test/${role}`, { username: role, password: rotated });
    // The resolver still holds the first password: the login fails once, then succeeds.
    expect(secrets(connection.password)).toBe(first);
    expect(await describeTable(connection, table, secrets)).toContain('id');
    expect(secrets(connection.password)).toBe(rotated);
  }, 120_000);
});
