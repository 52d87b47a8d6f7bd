import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  envSecrets,
  type SecretProvider,
  type SecretResolver,
  secret,
  secretRefsIn,
  secretResolver,
} from '@pipekit/core';
import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  appRole,
  putSecret,
  startVault,
  vault,
  vaultAddr,
  vaultToken,
} from '../../../test/services/vault-client.js';
import { defaultSecrets, kvDataPath, vaultSecretProvider } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'pipekit-secrets-'));

describe('secret references', () => {
  it('hold where a secret is, never a value; key picks a field', () => {
    expect(secret('PG_PASSWORD')).toEqual({ secret: 'PG_PASSWORD', provider: 'env' });
    expect(secret.file('/run/secrets/pg')).toEqual({ secret: '/run/secrets/pg', provider: 'file' });
    expect(secret.vault('secret/data/pg', { key: 'password' })).toEqual({
      secret: 'secret/data/pg',
      provider: 'vault',
      key: 'password',
    });
    expect(secretRefsIn({ a: [1, { b: secret('X') }], c: secret.vault('p') })).toEqual([
      secret('X'),
      secret.vault('p'),
    ]);
    // @ts-expect-error key is a string
    secret.vault('p', { key: 1 });
    expectTypeOf(envSecrets).toEqualTypeOf<SecretResolver>();
    expectTypeOf<ReturnType<SecretResolver>>().toEqualTypeOf<string>();
  });
});

describe('the resolver over env and file providers', () => {
  it('reads files (one trailing newline dropped) and JSON fields', () => {
    writeFileSync(join(dir, 'pw'), 'file-pw-Q1\n');
    writeFileSync(join(dir, 'set.json'), '{"username":"app","password":"json-pw-Q2"}');
    const s = defaultSecrets();
    expect(s(secret.file(join(dir, 'pw')))).toBe('file-pw-Q1');
    expect(s(secret.file(join(dir, 'set.json'), { key: 'password' }))).toBe('json-pw-Q2');
    expect(JSON.parse(s(secret.file(join(dir, 'set.json'))))).toEqual({
      username: 'app',
      password: 'json-pw-Q2',
    });
  });

  it('a missing secret is an error naming the reference and where it is used, never a value', () => {
    const s = defaultSecrets();
    expect(() => s(secret('PIPEKIT_TEST_UNSET_VAR'), 'connection.password')).toThrow(
      "connection.password: secret('PIPEKIT_TEST_UNSET_VAR') cannot be read: the environment variable PIPEKIT_TEST_UNSET_VAR is not set (export PIPEKIT_TEST_UNSET_VAR=...)",
    );
    expect(() => s(secret.file(join(dir, 'nope')), 'password')).toThrow(
      `password: secret.file('${join(dir, 'nope')}') cannot be read: the file does not exist`,
    );
    writeFileSync(join(dir, 'plain'), 'plain-value-Q3');
    let message = '';
    try {
      s(secret.file(join(dir, 'plain'), { key: 'password' }));
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain("it is not a JSON object, so it has no field 'password'");
    expect(message).not.toContain('plain-value-Q3');
    expect(() => s(secret.from('aws-sm', 'prod/db'), 'x')).toThrow(
      "x: secret.from('aws-sm', 'prod/db') cannot be read: no 'aws-sm' secret provider is registered",
    );
  });

  it('providers are pluggable; values are read once, again only on refresh', async () => {
    let version = 0;
    const counter: SecretProvider = { name: 'counter', read: async () => `v${++version}` };
    const ref = secret.from('counter', 'n');
    expect(() => secretResolver([counter])(ref, 'p')).toThrow('was not loaded before use');
    version = 0;
    const s = secretResolver([counter]);
    await s.load?.([ref, ref]);
    expect([s(ref), s(ref)]).toEqual(['v1', 'v1']);
    expect(await s.refresh?.([ref])).toBe(true);
    expect(s(ref)).toBe('v2');
  });
});

describe('HashiCorp Vault (KV v2, dev server from test/services/vault.sh)', () => {
  beforeAll(async () => {
    startVault();
    await putSecret('pipekit-test/pg', { username: 'app', password: 'vault-pw-Z7' });
  }, 40 * 60_000);

  it('reads a field with VAULT_TOKEN; the CLI path form works too', async () => {
    const s = secretResolver([vaultSecretProvider({ address: vaultAddr, token: vaultToken })]);
    const ref = secret.vault('secret/data/pipekit-test/pg', { key: 'password' });
    const short = secret.vault('secret/pipekit-test/pg', { key: 'username' });
    await s.load?.([ref, short]);
    expect(s(ref)).toBe('vault-pw-Z7');
    expect(s(short)).toBe('app');
    expect(kvDataPath('secret/pipekit-test/pg')).toBe('secret/data/pipekit-test/pg');
  });

  it('logs in with AppRole when no token is given', async () => {
    const role = await appRole('pipekit-test-reader', 'pipekit-test/');
    const s = secretResolver([vaultSecretProvider({ address: vaultAddr, appRole: role })]);
    const ref = secret.vault('secret/data/pipekit-test/pg');
    await s.load?.([ref]);
    expect(JSON.parse(s(ref))).toEqual({ username: 'app', password: 'vault-pw-Z7' });
    // The role's policy covers pipekit-test/ only.
    await putSecret('other/x', { value: 'other-Z8' });
    const other = secret.vault('secret/data/other/x');
    await s.load?.([other]);
    expect(() => s(other, 'sink.password')).toThrow(
      "sink.password: secret.vault('secret/data/other/x') cannot be read: Vault refused to read secret/data/other/x (permission denied)",
    );
  });

  it('an AppRole token that Vault no longer accepts: logs in again and reads on', async () => {
    const role = await appRole('pipekit-test-relogin', 'pipekit-test/');
    const s = secretResolver([vaultSecretProvider({ address: vaultAddr, appRole: role })]);
    await putSecret('pipekit-test/relogin', { password: 'before-Z10' });
    const ref = secret.vault('secret/data/pipekit-test/relogin', { key: 'password' });
    await s.load?.([ref]);
    expect(s(ref)).toBe('before-Z10');
    // Every token of AppRole logins revoked, as when one expires: the next read gets a 403.
    await vault('PUT', 'sys/leases/revoke-prefix/auth/approle/login');
    await putSecret('pipekit-test/relogin', { password: 'after-Z10' });
    expect(await s.refresh?.([ref])).toBe(true);
    expect(s(ref)).toBe('after-Z10');
  });

  it('a missing path, a bad token, an unreachable server: errors that name the reference', async () => {
    const missing = secret.vault('secret/data/pipekit-test/none', { key: 'password' });
    const ok = secretResolver([vaultSecretProvider({ address: vaultAddr, token: vaultToken })]);
    await ok.load?.([missing]);
    expect(() => ok(missing, 'connection.password')).toThrow(
      "connection.password: secret.vault('secret/data/pipekit-test/none', { key: 'password' }) cannot be read: Vault has no secret at secret/data/pipekit-test/none",
    );
    const bad = secretResolver([vaultSecretProvider({ address: vaultAddr, token: 'wrong' })]);
    const ref = secret.vault('secret/data/pipekit-test/pg', { key: 'password' });
    await bad.load?.([ref]);
    expect(() => bad(ref)).toThrow('permission denied');
    const down = secretResolver([
      vaultSecretProvider({ address: 'http://127.0.0.1:9', token: vaultToken }),
    ]);
    await down.load?.([ref]);
    expect(() => down(ref)).toThrow('Vault at http://127.0.0.1:9 cannot be reached');
  });

  it('refresh picks up a rotated value', async () => {
    await putSecret('pipekit-test/rotating', { password: 'old-Z9' });
    const s = secretResolver([vaultSecretProvider({ address: vaultAddr, token: vaultToken })]);
    const ref = secret.vault('secret/data/pipekit-test/rotating', { key: 'password' });
    await s.load?.([ref]);
    await putSecret('pipekit-test/rotating', { password: 'new-Z9' });
    expect(s(ref)).toBe('old-Z9');
    expect(await s.refresh?.([ref])).toBe(true);
    expect(s(ref)).toBe('new-Z9');
  });
});
