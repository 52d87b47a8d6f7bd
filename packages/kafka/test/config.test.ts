import { PipekitError, secret } from '@pipekit/core';
import { afterEach, describe, expect, it } from 'vitest';
import { envSecrets, kafkaConfig } from '../src/client.js';
import { logger, retry } from './helpers.js';

const opts = { clientId: 'c', secrets: envSecrets, retry, logger };

describe('connection settings (no broker)', () => {
  afterEach(() => {
    delete process.env.PIPEKIT_TEST_KAFKA_PW;
    delete process.env.PIPEKIT_TEST_KAFKA_CA;
    delete process.env.PIPEKIT_TEST_KAFKA_CREDS;
  });

  it('SASL and TLS options pass through with secrets resolved from the environment at run time', () => {
    process.env.PIPEKIT_TEST_KAFKA_PW = 's3cret';
    process.env.PIPEKIT_TEST_KAFKA_CA = '-----BEGIN CERTIFICATE-----';
    const c = kafkaConfig(
      {
        brokers: ['b:9093'],
        sasl: {
          mechanism: 'scram-sha-512',
          username: 'svc',
          password: secret('PIPEKIT_TEST_KAFKA_PW'),
        },
        ssl: { ca: secret('PIPEKIT_TEST_KAFKA_CA'), rejectUnauthorized: true },
      },
      opts,
    );
    expect(c.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'svc', password: 's3cret' });
    expect(c.ssl).toEqual({ ca: ['-----BEGIN CERTIFICATE-----'], rejectUnauthorized: true });
    expect(c.brokers).toEqual(['b:9093']);
  });

  it('a missing secret is an error naming the variable, never a value; vault needs a resolver', () => {
    const spec = {
      brokers: ['b'],
      sasl: {
        mechanism: 'plain' as const,
        username: 'u',
        password: secret('PIPEKIT_TEST_KAFKA_PW'),
      },
    };
    expect(() => kafkaConfig(spec, opts)).toThrow(PipekitError);
    expect(() => kafkaConfig(spec, opts)).toThrow(
      "sasl.password: secret('PIPEKIT_TEST_KAFKA_PW') cannot be read: the environment variable PIPEKIT_TEST_KAFKA_PW is not set (export PIPEKIT_TEST_KAFKA_PW=...)",
    );
    expect(() =>
      kafkaConfig({ brokers: ['b'], ssl: { key: secret.vault('kv/kafka') } }, opts),
    ).toThrow(
      "ssl.key: secret.vault('kv/kafka') cannot be read: only environment secrets can be read here",
    );
  });

  it('a credential set in one secret (legacy credentialPath) as JSON', () => {
    process.env.PIPEKIT_TEST_KAFKA_CREDS = JSON.stringify({
      username: 'app',
      password: 'pw',
      mechanism: 'plain',
    });
    const c = kafkaConfig(
      { brokers: ['b'], credentials: secret('PIPEKIT_TEST_KAFKA_CREDS') },
      opts,
    );
    expect(c.sasl).toEqual({ mechanism: 'plain', username: 'app', password: 'pw' });
    process.env.PIPEKIT_TEST_KAFKA_CREDS = 'not json';
    expect(() =>
      kafkaConfig({ brokers: ['b'], credentials: secret('PIPEKIT_TEST_KAFKA_CREDS') }, opts),
    ).toThrow(/must hold JSON/);
  });
});
