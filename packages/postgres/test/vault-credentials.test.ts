import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { secret, secretResolver, source } from '@pipekit/core';
import {
  defaultConnectors,
  type QueryProgress,
  runPipeline,
  vaultSecretProvider,
} from '@pipekit/runtime';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  putSecret,
  startVault,
  vaultAddr,
  vaultToken,
} from '../../../test/services/vault-client.js';
import { describeTable, registerConnectors } from '../src/index.js';
import { pgUrl, sql, unique } from './helpers.js';

// A pipeline whose Postgres user and password come from Vault, run by `pipe run` as a person
// would; and a password rotated in Vault and in Postgres picked up without a restart.
const pipe = fileURLToPath(new URL('../../cli/bin/pipe.js', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/vault-credentials.pipeline.ts', import.meta.url));
const role = unique('vault_role');
const table = unique('vault_customers');
const first = `first-${role}-Pw1`;
const rotated = `rotated-${role}-Pw2`;
const streamRole = unique('vault_stream');
const streamTable = unique('vault_events');
const urlNoUser = (() => {
  const u = new URL(pgUrl);
  u.username = '';
  return u.href;
})();

function run(
  env: Record<string, string>,
  args: readonly string[] = ['run', fixture, '--log-level', 'debug'],
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [pipe, ...args], {
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
  await sql(`DROP TABLE IF EXISTS ${streamTable}`);
  await sql(`DROP ROLE IF EXISTS ${streamRole}`);
});

describe('Postgres credentials from Vault', () => {
  it('pipe run reads the table as the Vault user; no password in any output, even debug logs', async () => {
    const r = await run({ PIPEKIT_TEST_VAULT_PATH: `secret/data/pipekit-test/${role}` });
    expect(r.out).toContain('rows read');
    expect(r.code).toBe(0);
    expect(r.out).not.toContain(first);
    // Progress and the summary as JSON lines, the plan as JSON, the drawn DAG: references only.
    const vaultPath = { PIPEKIT_TEST_VAULT_PATH: `secret/data/pipekit-test/${role}` };
    const json = await run(vaultPath, ['run', fixture, '--json']);
    expect(json.code).toBe(0);
    expect(json.out).toContain('"type":"summary"');
    for (const format of ['json', 'mermaid']) {
      const explained = await run(vaultPath, ['explain', fixture, '--format', format]);
      expect(explained.code).toBe(0);
      expect(explained.out).toContain(format === 'json' ? 'secret/data/pipekit-test' : 'postgres');
      expect(explained.out).not.toContain(first);
    }
    expect(json.out).not.toContain(first);
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

  it('a running pipeline: the password rotated in Vault and Postgres, connections dropped; it reconnects with the new one', async () => {
    const path = `pipekit-test/${streamRole}`;
    const old = `old-${streamRole}-Pw4`;
    const next = `next-${streamRole}-Pw5`;
    await sql(`CREATE ROLE ${streamRole} LOGIN PASSWORD '${old}'`);
    // Membership lets the test's own role end the pipeline's sessions (pg_terminate_backend).
    await sql(`GRANT ${streamRole} TO CURRENT_USER`);
    await sql(`CREATE TABLE ${streamTable} (id bigint PRIMARY KEY)`);
    await sql(`INSERT INTO ${streamTable} SELECT generate_series(1, 3)`);
    await sql(`GRANT SELECT ON ${streamTable} TO ${streamRole}`);
    await putSecret(path, { username: streamRole, password: old });

    const pipeline = source
      .postgres({
        connection: { url: urlNoUser, credentials: secret.vault(`secret/data/${path}`) },
        table: streamTable,
        schema: z.object({ id: z.number() }),
        incremental: { column: 'id', pollInterval: 100 },
      })
      .sink.memory({ name: 'events' });
    // Every log line, at debug level, and every progress report: checked for the passwords below.
    const lines: string[] = [];
    const logger = pino(
      { level: 'debug' },
      new Writable({
        write(chunk, _enc, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const progress: QueryProgress[] = [];
    const secrets = secretResolver([
      vaultSecretProvider({ address: vaultAddr, token: vaultToken }),
    ]);
    const connectors = defaultConnectors();
    registerConnectors(connectors);
    const stop = new AbortController();
    const run = runPipeline(pipeline, {
      connectors,
      logger,
      secrets,
      signal: stop.signal,
      metrics: [{ onProgress: (r) => progress.push(r) }],
    });
    const ids = () => run.memory.get('events').map((r) => Number(r.id));
    const waitFor = async (n: number) => {
      for (let waited = 0; waited < 30_000 && ids().length < n; waited += 100)
        await new Promise((r) => setTimeout(r, 100));
    };
    try {
      await waitFor(3);
      expect(ids()).toEqual([1, 2, 3]);
      // Rotation as an operator does it: Postgres first, then Vault; then the server drops the
      // pipeline's session, so its next poll logs in again, with the old password first.
      await sql(`ALTER ROLE ${streamRole} PASSWORD '${next}'`);
      await putSecret(path, { username: streamRole, password: next });
      await sql(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1`, [
        streamRole,
      ]);
      await sql(`INSERT INTO ${streamTable} SELECT generate_series(4, 6)`);
      await waitFor(6);
    } finally {
      stop.abort();
    }
    expect((await run.result).stoppedBy).toBe('stopped');
    expect(ids()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(JSON.parse(secrets(secret.vault(`secret/data/${path}`))).password).toBe(next);
    const seen = `${lines.join('')}${JSON.stringify(progress)}${JSON.stringify(pipeline.plan)}`;
    expect(seen).not.toContain(old);
    expect(seen).not.toContain(next);
  }, 120_000);
});
