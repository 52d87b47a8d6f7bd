import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Pipeline, type Plan, type PlanNode, secretResolver, source } from '@pipekit/core';
import { DeltaTable, registerConnectors as registerDelta } from '@pipekit/delta';
import {
  createLogger,
  defaultConnectors,
  runPipeline,
  vaultSecretProvider,
} from '@pipekit/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  putSecret,
  startVault,
  vaultAddr,
  vaultToken,
} from '../../../test/services/vault-client.js';
import { registerConnectors } from '../src/index.js';
import { pgUrl, sql, unique } from './helpers.js';

// A legacy config whose Postgres credentials are a Vault `credentialPath`, converted by
// `pipe codegen` and then run: the credential set at secret/data/postgres names the server, the
// database, the user and the password; nothing about the server is in the generated code.
const pipe = fileURLToPath(new URL('../../cli/bin/pipe.js', import.meta.url));
const legacy = fileURLToPath(
  new URL('../../../test/fixtures/legacy/steps/customer-360.json', import.meta.url),
);
// Inside the package, so the generated file's imports resolve as they would in a project.
const generatedDir = fileURLToPath(new URL('./.generated/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'pipekit-legacy-vault-'));
const database = unique('legacy_c360');
const role = unique('legacy_c360_app');
const password = `c360-${role}-Pw6`;
const logger = createLogger({ level: 'silent' });

function connectors() {
  const registry = defaultConnectors();
  registerConnectors(registry);
  registerDelta(registry);
  return registry;
}

/**
 * The config's storage paths moved under this test's directory: the orders files (an `s3a://`
 * glob in the config) and the Delta table (`/data/customer_360`). The Postgres source is run as
 * converted.
 */
function onLocalStorage(plan: Plan, orders: string, table: string): Plan {
  const nodes = plan.nodes.map((n): PlanNode => {
    if (n.kind === 'source' && n.source.type === 'file')
      return { ...n, source: { ...n.source, path: join(orders, '*.parquet') } };
    if (n.kind === 'sink' && n.sink.type === 'delta')
      return { ...n, sink: { ...n.sink, path: table } };
    return n;
  });
  return { ...plan, nodes };
}

beforeAll(async () => {
  startVault();
  await sql(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
  await sql(`GRANT ${role} TO CURRENT_USER`); // to make it a database's owner, and drop it after
  await sql(`CREATE DATABASE ${database} OWNER ${role}`);
  const u = new URL(pgUrl);
  const url = `postgres://${u.host}/${database}`;
  // What the legacy app kept in Vault: where the database is and who to log in as.
  await putSecret('postgres', { url, username: role, password });
  const pg = (await import('pg')).default;
  const client = new pg.Client({
    host: u.hostname,
    port: Number(u.port),
    database,
    user: role,
    password,
  });
  await client.connect();
  try {
    await client.query('CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL)');
    await client.query(`INSERT INTO customers VALUES (1, 'Ada'), (2, 'Grace'), (3, 'Edsger')`);
  } finally {
    await client.end();
  }
}, 40 * 60_000);

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await sql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await sql(`DROP ROLE IF EXISTS ${role}`);
});

describe('a converted legacy config with a Vault credentialPath runs', () => {
  it('steps/customer-360.json: Postgres from the Vault credential set, joined with orders, into Delta', async () => {
    mkdirSync(generatedDir, { recursive: true });
    const out = join(generatedDir, 'customer-360.ts');
    const codegen = spawnSync(process.execPath, [pipe, 'codegen', legacy, '-o', out], {
      encoding: 'utf8',
      env: { ...process.env, PIPEKIT_DEV: '1' },
    });
    expect(codegen.stderr).toContain('converted with 1 warning'); // the cache's storage level
    expect(codegen.status).toBe(0);
    const code = readFileSync(out, 'utf8');
    expect(code).toContain("credentials: secret.vault('secret/data/postgres')");
    expect(code).not.toContain(password);

    // The orders the config reads: Parquet files, written by pipekit's file sink.
    const orders = join(dir, 'orders');
    const writeOrders = source
      .memory({
        schema: z.object({ order_id: z.int(), customer_id: z.int(), amount: z.number() }),
        rows: [
          { order_id: 10, customer_id: 1, amount: 5.5 },
          { order_id: 11, customer_id: 2, amount: 7 },
          { order_id: 12, customer_id: 1, amount: 1.25 },
          { order_id: 13, customer_id: 9, amount: 3 },
        ],
      })
      .sink.file({ path: orders, format: 'parquet' });
    expect(
      (await runPipeline(writeOrders, { connectors: connectors(), logger }).result).stoppedBy,
    ).toBe('completed');

    const { default: converted } = (await import(pathToFileURL(out).href)) as { default: Pipeline };
    const table = join(dir, 'customer_360');
    // The config declares no schema, and the runtime does not yet infer one for a join of a table
    // and Parquet files, so the sink needs its table to exist (as the legacy job's did).
    await DeltaTable.create(table, {
      schema: {
        fields: [
          { name: 'id', type: 'long', nullable: false },
          { name: 'name', type: 'string', nullable: false },
          { name: 'order_id', type: 'long', nullable: true },
          { name: 'customer_id', type: 'long', nullable: true },
          { name: 'amount', type: 'double', nullable: true },
        ],
      },
    });
    const plan = onLocalStorage(converted.plan, orders, table);
    const secrets = secretResolver([
      vaultSecretProvider({ address: vaultAddr, token: vaultToken }),
    ]);
    const run = await runPipeline(
      { plan, udfs: new Map() },
      { connectors: connectors(), logger, secrets },
    ).result;
    expect(run.stoppedBy).toBe('completed');

    const read = runPipeline(source.delta({ path: table }).sink.memory({ name: 'c360' }), {
      connectors: connectors(),
      logger,
    });
    await read.result;
    const rows = read.memory
      .get('c360')
      .map((r) => [Number(r.order_id), Number(r.id), r.name, r.amount])
      .sort((a, b) => Number(a[0]) - Number(b[0]));
    expect(rows).toEqual([
      [10, 1, 'Ada', 5.5],
      [11, 2, 'Grace', 7],
      [12, 1, 'Ada', 1.25],
    ]);
    expect(JSON.stringify(plan)).not.toContain(password);
  }, 180_000);
});
