import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  CircuitBreaker,
  type CircuitEvent,
  CircuitOpenError,
  ConnectorFailure,
  isMarkedRetryable,
  retryWait,
  withRetry,
} from '../src/index.js';
import { memoryLogger } from './helpers.js';

const transient = () => Object.assign(new Error('connection refused'), { retryable: true });

describe('retry under a circuit breaker', () => {
  const policy = { maxRetryTimeMs: 30, initialRetryTimeMs: 10, maxRetryWaitMs: 20 };
  const describeIt = (e: unknown) => ({
    endpoint: 'db:5432',
    text: e instanceof Error ? e.message : String(e),
    check: null,
    retryable: isMarkedRetryable(e),
  });

  it('the breaker pauses double from the initial wait up to the longest', () => {
    const backoff = { maxRetryTimeMs: 0, initialRetryTimeMs: 100, maxRetryWaitMs: 1_000 };
    expect([1, 2, 3, 4, 5].map((a) => retryWait(backoff, a))).toEqual([100, 200, 400, 800, 1000]);
  });

  it('giving up on a transient cause is retryable (the breaker waits); on a lasting one it is not', async () => {
    const { logger } = memoryLogger('warn');
    const gaveUp = await withRetry(
      'writing batch 1',
      async () => {
        throw transient();
      },
      { policy, logger, describe: describeIt },
    ).catch((e: unknown) => e);
    expect(gaveUp).toBeInstanceOf(ConnectorFailure);
    expect(isMarkedRetryable(gaveUp)).toBe(true);
    const refused = await withRetry(
      'writing batch 1',
      async () => {
        throw new Error('password authentication failed');
      },
      { policy, logger, describe: describeIt },
    ).catch((e: unknown) => e);
    expect(isMarkedRetryable(refused)).toBe(false);
  });

  it('leaves no abort listeners behind after many retries (the old leak)', async () => {
    const controller = new AbortController();
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      let calls = 0;
      const { logger } = memoryLogger('warn');
      await withRetry(
        'reading',
        async () => {
          if (++calls < 30) throw transient();
        },
        {
          policy: { maxRetryTimeMs: 1_000, initialRetryTimeMs: 1, maxRetryWaitMs: 1 },
          logger,
          describe: describeIt,
          signal: controller.signal,
        },
      );
      expect(calls).toBe(30);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
      await new Promise((r) => setImmediate(r));
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });
});

describe('circuit breaker', () => {
  const breaker = (maxOpenMs?: number) => {
    const events: CircuitEvent[] = [];
    const b = new CircuitBreaker(
      {
        failureThreshold: 3,
        coolDownMs: 20,
        backoff: {
          maxRetryTimeMs: Number.POSITIVE_INFINITY,
          initialRetryTimeMs: 1,
          maxRetryWaitMs: 2,
        },
        ...(maxOpenMs === undefined ? {} : { maxOpenMs }),
      },
      {
        isRetryable: isMarkedRetryable,
        wait: (ms) => new Promise((r) => setTimeout(r, ms)),
        now: Date.now,
        stopped: () => false,
        onChange: (e) => events.push(e),
      },
    );
    return { b, events };
  };

  it('opens after N failures in a row, probes after the cool-down, closes on success', async () => {
    const { b, events } = breaker();
    let calls = 0;
    const written = await b.run(async () => {
      if (++calls <= 5) throw transient();
      return 'written';
    });
    expect(written).toBe('written');
    expect(calls).toBe(6);
    expect(b.opened).toBe(1);
    expect(b.state).toBe('closed');
    // open at the 3rd failure; probe (half-open) fails at the 4th and 5th; the 6th closes it.
    expect(events.map((e) => e.state)).toEqual([
      'open',
      'halfOpen',
      'open',
      'halfOpen',
      'open',
      'halfOpen',
      'closed',
    ]);
    expect(events[0]).toMatchObject({ consecutiveFailures: 3 });
  });

  it('a non-retryable error is thrown at once; an open time over maxOpenMs fails', async () => {
    const { b } = breaker();
    await expect(
      b.run(async () => {
        throw new Error('no such table');
      }),
    ).rejects.toThrow('no such table');
    const { b: limited } = breaker(50);
    await expect(
      limited.run(async () => {
        throw transient();
      }),
    ).rejects.toBeInstanceOf(CircuitOpenError);
  });
});
