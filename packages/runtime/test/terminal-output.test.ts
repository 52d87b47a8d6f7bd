import { describe, expect, it } from 'vitest';
import {
  ConnectorFailure,
  checkOf,
  createLogger,
  humanLogLine,
  PipelineFailure,
  retryWaits,
  withRetry,
} from '../src/index.js';
import { memoryLogger, textSink } from './helpers.js';

describe('human log lines', () => {
  it('node first, then the message; plain fields in parentheses; objects only at debug', () => {
    expect(
      humanLogLine({
        level: 40,
        time: 1,
        pipeline: 'p',
        node: 'kafka_1',
        msg: 'broker 127.0.0.1:9 refused the connection (attempt 2 of 4, next in 0.5 s)',
        retry: { attempt: 2 },
      }),
    ).toBe('kafka_1: broker 127.0.0.1:9 refused the connection (attempt 2 of 4, next in 0.5 s)\n');
    expect(
      humanLogLine({
        level: 40,
        pipeline: 'p',
        node: 'map_1',
        msg: 'bad record',
        position: 'row 3',
      }),
    ).toBe('map_1: bad record (position=row 3)\n');
    expect(
      humanLogLine({ level: 50, pipeline: 'p', msg: 'closing failed', err: { message: 'x' } }),
    ).toBe('p: error: closing failed: x\n');
    expect(
      humanLogLine({
        level: 20,
        node: 'n',
        msg: 'kafkajs: Connection error',
        kafkajs: { broker: 'b' },
      }),
    ).toBe('n: debug: kafkajs: Connection error (kafkajs={"broker":"b"})\n');
  });

  it('createLogger({ format: human }) writes those lines, and redacts secrets in fields', () => {
    const out = textSink();
    const log = createLogger({ format: 'human', out: out.stream }).child({ node: 'pg_1' });
    log.warn({ password: 'hunter2', table: 't' }, 'lost the connection');
    log.info('not at the default level');
    expect(out.text()).toBe('pg_1: lost the connection (password=[redacted], table=t)\n');
  });
});

describe('retries', () => {
  it('as many attempts as the waits fit in the budget, doubling up to the longest wait', () => {
    expect(
      retryWaits({ maxRetryTimeMs: 2_000, initialRetryTimeMs: 250, maxRetryWaitMs: 5_000 }),
    ).toEqual([250, 500, 1_000]);
    expect(
      retryWaits({ maxRetryTimeMs: 60_000, initialRetryTimeMs: 250, maxRetryWaitMs: 5_000 }),
    ).toHaveLength(15);
    // At least one retry, whatever the budget.
    expect(
      retryWaits({ maxRetryTimeMs: 0, initialRetryTimeMs: 250, maxRetryWaitMs: 5_000 }),
    ).toEqual([250]);
  });

  const refused = {
    endpoint: 'db:5432',
    text: 'server db:5432 refused the connection',
    check: 'that the server runs',
    retryable: true,
  };

  it('one warning per failed attempt, then a ConnectorFailure with attempts, cause and what to check', async () => {
    const { logger, records } = memoryLogger('warn');
    let calls = 0;
    const failure = await withRetry(
      'connecting to Postgres',
      async () => {
        calls++;
        throw new Error('connect ECONNREFUSED');
      },
      {
        policy: { maxRetryTimeMs: 30, initialRetryTimeMs: 10, maxRetryWaitMs: 20 },
        logger,
        describe: () => refused,
      },
    ).catch((e: unknown) => e);
    expect(calls).toBe(3);
    expect(records.map((r) => r.msg)).toEqual([
      'server db:5432 refused the connection (attempt 1 of 3, next in 0.01 s)',
      'server db:5432 refused the connection (attempt 2 of 3, next in 0.02 s)',
    ]);
    expect(failure).toBeInstanceOf(ConnectorFailure);
    expect((failure as Error).message).toMatch(
      /^connecting to Postgres failed after 3 attempts in [\d.]+ s: server db:5432 refused the connection$/,
    );
    expect(failure).toMatchObject({ endpoint: 'db:5432', attempts: 3 });
    // The check survives wrapping by the runtime (which names the node).
    const wrapped = new PipelineFailure('p', 'pg_1', 'postgres source', null, 'x', {
      cause: failure,
    });
    expect(checkOf(wrapped)).toBe('that the server runs');
  });

  it('a failure that will not pass (a wrong password) fails at once, without retry lines', async () => {
    const { logger, records } = memoryLogger('warn');
    const failure = await withRetry(
      'connecting to Postgres',
      async () => {
        throw new Error('password authentication failed');
      },
      {
        policy: { maxRetryTimeMs: 1_000, initialRetryTimeMs: 10, maxRetryWaitMs: 20 },
        logger,
        describe: () => ({
          ...refused,
          text: "authentication failed for user 'app'",
          retryable: false,
        }),
      },
    ).catch((e: unknown) => e);
    expect(records).toEqual([]);
    expect((failure as Error).message).toBe(
      "connecting to Postgres failed: authentication failed for user 'app'",
    );
  });
});
