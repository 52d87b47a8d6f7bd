import { secret, source } from '@pipekit/core';
import { ConnectorFailure, defaultConnectors, runPipeline } from '@pipekit/runtime';
import { Kafka, KafkaJSConnectionError, KafkaJSSASLAuthenticationError, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeKafkaError, registerConnectors } from '../src/index.js';
import { brokers, logger } from './helpers.js';

const endpoint = { brokers: ['b1:9092'], node: 'orders', user: 'alice', mechanism: 'PLAIN' };

describe('Kafka errors said for a person', () => {
  it('a refused connection: the broker, and that a broker should listen there', () => {
    const e = new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9', {
      broker: '127.0.0.1:9',
      code: 'ECONNREFUSED',
    } as never);
    expect(describeKafkaError(e, endpoint)).toEqual({
      endpoint: '127.0.0.1:9',
      text: 'broker 127.0.0.1:9 refused the connection',
      check:
        'that a Kafka broker is running and listening on 127.0.0.1:9: the brokers option of orders (b1:9092)',
      retryable: true,
    });
  });

  it('a wrong password: authentication failed for the user, never the password, no retry', () => {
    // kafkajs' type declares no arguments; its class takes the message, as kafkajs raises it.
    const SaslError = KafkaJSSASLAuthenticationError as unknown as new (message: string) => Error;
    const e = new SaslError(
      'SASL PLAIN authentication failed: Authentication failed: Invalid username or password',
    );
    const d = describeKafkaError(e, endpoint);
    expect(d).toMatchObject({
      text: "authentication failed for user 'alice' (PLAIN) at b1:9092",
      retryable: false,
    });
    expect(d.check).toContain('the username, the password secret and the SASL mechanism of orders');
  });

  it('SASL against a plaintext listener of the real broker: fails at once, says to check the listener', async () => {
    process.env.PIPEKIT_TEST_KAFKA_PASSWORD = 'not-printed-anywhere-42';
    const connectors = defaultConnectors();
    registerConnectors(connectors);
    const p = source
      .kafka({
        brokers,
        topic: 'never-read',
        schema: z.object({ id: z.number() }),
        sasl: {
          mechanism: 'plain',
          username: 'alice',
          password: secret('PIPEKIT_TEST_KAFKA_PASSWORD'),
        },
      })
      .sink.memory({ name: 'x' });
    const started = Date.now();
    const err = (await runPipeline(p, { connectors, logger }).result.catch(
      (e: unknown) => e,
    )) as Error;
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(err.message).toContain(
      `fetching Kafka offsets failed: broker ${brokers[0]} does not take PLAIN authentication on this listener`,
    );
    expect(err.cause).toBeInstanceOf(ConnectorFailure);
    expect((err.cause as ConnectorFailure).check).toContain('SASL_PLAINTEXT or SASL_SSL port');
    expect(JSON.stringify(err, Object.getOwnPropertyNames(err))).not.toContain(
      'not-printed-anywhere-42',
    );
    expect(String(err.stack)).not.toContain('not-printed-anywhere-42');
    // The same error kafkajs raises, described directly.
    const k = new Kafka({
      brokers,
      sasl: { mechanism: 'plain', username: 'alice', password: 'x' },
      retry: { retries: 0 },
      logLevel: logLevel.NOTHING,
    });
    const admin = k.admin();
    const raw = await admin.connect().catch((e: unknown) => e);
    await admin.disconnect();
    expect(describeKafkaError(raw, { ...endpoint, brokers }).retryable).toBe(false);
  });
});
