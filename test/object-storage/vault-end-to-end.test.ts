/**
 * The end-to-end case: a converted legacy pipeline whose Postgres credentials and S3 keys
 * all come from Vault. steps/customer-360.json runs as converted (its Postgres source reads the
 * Vault credential set at secret/data/postgres) with its s3a:// orders read with keys from
 * secret/data/s3; only the Delta load moves to a temporary directory.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { convertConfig } from '@pipekit/codegen';
import { type PlanNode, secret, secretResolver } from '@pipekit/core';
import { DeltaTable } from '@pipekit/delta';
import { registerConnectors as registerPostgres } from '@pipekit/postgres';
import { runPipeline, vaultSecretProvider } from '@pipekit/runtime';
import { parquetWriteBuffer } from 'hyparquet-writer';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putSecret, startVault, vaultAddr, vaultToken } from '../services/vault-client.js';
import { accessKey, client, deltaConnectors, s3Url, secretKey } from './helpers.js';

const pgAdminUrl = process.env.PIPEKIT_PG_URL ?? 'postgres://pipekit@127.0.0.1:54329/pipekit_test';
const suffix = `${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6).toString(36)}`;
const database = `c360_vault_${suffix}`;
const role = `c360_vault_app_${suffix}`;
const password = `c360-${suffix}-Pw9`;

async function admin(text: string): Promise<void> {
  const u = new URL(pgAdminUrl);
  const c = new pg.Client({
    host: u.hostname,
    port: Number(u.port),
    user: u.username,
    password: process.env.PIPEKIT_PG_PASSWORD ?? 'pipekit',
    database: u.pathname.slice(1),
  });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  startVault();
  await admin(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
  await admin(`GRANT ${role} TO CURRENT_USER`);
  await admin(`CREATE DATABASE ${database} OWNER ${role}`);
  const u = new URL(pgAdminUrl);
  const c = new pg.Client({
    host: u.hostname,
    port: Number(u.port),
    database,
    user: role,
    password,
  });
  await c.connect();
  try {
    await c.query('CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL)');
    await c.query(`INSERT INTO customers VALUES (1, 'Ada'), (2, 'Lin')`);
  } finally {
    await c.end();
  }
  // What the legacy deployment kept in Vault.
  await putSecret('postgres', {
    url: `postgres://${u.host}/${database}`,
    username: role,
    password,
  });
  await putSecret('s3', { accessKey, secretKey });
  await client.createBucket('data');
  for (const o of await client.list('data', 'orders/')) await client.delete('data', o.key);
  const orders = parquetWriteBuffer({
    columnData: [
      { name: 'order_id', data: [10, 11, 12], type: 'INT32' },
      { name: 'customer_id', data: [1, 1, 2], type: 'INT32' },
      { name: 'amount', data: [5, 7.5, 3], type: 'DOUBLE' },
    ],
  });
  await client.put('data', 'orders/part-0.parquet', new Uint8Array(orders));
}, 40 * 60_000);

afterAll(async () => {
  await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin(`DROP ROLE IF EXISTS ${role}`);
});

describe('Postgres password and S3 keys from Vault', () => {
  it('steps/customer-360 runs as converted: Vault credential set, S3 orders, Delta out', async () => {
    const legacy = fileURLToPath(
      new URL('../fixtures/legacy/steps/customer-360.json', import.meta.url),
    );
    const converted = convertConfig(legacy, readFileSync(legacy, 'utf8')).plan;
    const out = join(mkdtempSync(join(tmpdir(), 'pipekit-c360-vault-')), 'customer_360');
    // The config names no columns (Spark inferred them), so the target table exists first.
    await DeltaTable.create(out, {
      schema: {
        fields: [
          { name: 'id', type: 'long', nullable: true },
          { name: 'name', type: 'string', nullable: true },
          { name: 'order_id', type: 'long', nullable: true },
          { name: 'customer_id', type: 'long', nullable: true },
          { name: 'amount', type: 'double', nullable: true },
        ],
      },
    });
    const s3 = {
      endpoint: s3Url,
      region: 'us-east-1',
      accessKeyId: secret.vault('secret/data/s3', { key: 'accessKey' }),
      secretAccessKey: secret.vault('secret/data/s3', { key: 'secretKey' }),
    };
    const nodes = converted.nodes.map((n): PlanNode => {
      if (n.kind === 'source' && n.source.type === 'file')
        return { ...n, source: { ...n.source, s3 } };
      if (n.kind === 'sink' && n.sink.type === 'delta')
        return { ...n, sink: { ...n.sink, path: out } };
      return n;
    });
    const postgresSource = nodes.find((n) => n.kind === 'source' && n.source.type === 'postgres');
    expect(JSON.stringify(postgresSource)).toContain('secret/data/postgres');
    const plan = { ...converted, nodes };
    const { connectors } = deltaConnectors();
    registerPostgres(connectors);
    const secrets = secretResolver([
      vaultSecretProvider({ address: vaultAddr, token: vaultToken }),
    ]);
    const run = runPipeline({ plan, udfs: new Map() }, { connectors, secrets });
    expect((await run.result).stoppedBy).toBe('completed');
    const rows = (await DeltaTable.at(out).read()).sort(
      (a, b) => Number(a.order_id) - Number(b.order_id),
    );
    expect(rows.map((r) => [r.name, r.order_id, r.amount])).toEqual([
      ['Ada', 10, 5],
      ['Ada', 11, 7.5],
      ['Lin', 12, 3],
    ]);
    const shown = JSON.stringify(plan);
    for (const value of [password, secretKey]) expect(shown).not.toContain(value);
  }, 180_000);
});
