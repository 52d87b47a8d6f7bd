import { secret } from '@pipekit/core';
import { describe, expect, it } from 'vitest';
import {
  describeTable,
  openPostgresSource,
  PostgresWriter,
  resolveConnection,
} from '../src/index.js';
import { pgHostPort, pgUrl, sinkCtx, sourceCtx } from './helpers.js';

const wrongPassword = 'not-the-password-Zq7!';

describe('bad connection settings', () => {
  it('a wrong password: says where and what to check, never the password', async () => {
    process.env.PIPEKIT_TEST_WRONG_PW = wrongPassword;
    const spec = {
      type: 'postgres',
      connection: { url: pgUrl, password: secret('PIPEKIT_TEST_WRONG_PW') },
      table: 'anything',
      fetchSize: 10,
    } as const;
    const err = await openPostgresSource(spec, sourceCtx(null)).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(err?.message).toContain(
      `cannot connect to PostgreSQL at ${pgHostPort}/pipekit_test as pipekit: password authentication failed`,
    );
    expect(err?.message).toContain(
      'check connection.user and the secret behind connection.password',
    );
    expect(JSON.stringify(err, Object.getOwnPropertyNames(err))).not.toContain(wrongPassword);
    expect(String(err?.stack)).not.toContain(wrongPassword);
  });

  it('a port nobody listens on fails at once with a hint (no endless retry)', async () => {
    const started = Date.now();
    const w = new PostgresWriter(
      {
        type: 'postgres',
        connection: {
          host: '127.0.0.1',
          port: 1,
          user: 'pipekit',
          password: secret('PIPEKIT_PG_PASSWORD'),
        },
        table: 't',
        mode: 'append',
        createTable: false,
      },
      sinkCtx(),
      resolveConnection({
        host: '127.0.0.1',
        port: 1,
        user: 'pipekit',
        password: secret('PIPEKIT_PG_PASSWORD'),
      }),
    );
    await expect(
      w.writeBatch({ queryId: 'q', batchId: 0, rows: [{ a: 1 }], schema: null }),
    ).rejects.toThrow(
      /cannot connect to PostgreSQL at 127\.0\.0\.1:1 as pipekit: .*ECONNREFUSED.*is the server running/,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a secret whose variable is not set names the variable', async () => {
    delete process.env.PIPEKIT_TEST_UNSET;
    await expect(
      describeTable({ url: pgUrl, password: secret('PIPEKIT_TEST_UNSET') }, 'x'),
    ).rejects.toThrow(
      "connection.password: secret('PIPEKIT_TEST_UNSET') cannot be read: the environment variable PIPEKIT_TEST_UNSET is not set",
    );
  });

  it('an unknown database', async () => {
    await expect(
      describeTable(
        {
          url: pgUrl.replace('pipekit_test', 'no_such_db'),
          password: secret('PIPEKIT_PG_PASSWORD'),
        },
        'x',
      ),
    ).rejects.toThrow(/database "no_such_db" does not exist \(check connection.database/);
  });
});
