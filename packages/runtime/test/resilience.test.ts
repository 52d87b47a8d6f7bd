import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  CircuitBreaker,
  type CircuitEvent,
  CircuitOpenError,
  isMarkedRetryable,
  retry,
  retryDelay,
} from '../src/index.js';

const transient = () => Object.assign(new Error('connection refused'), { retryable: true });

describe('retry', () => {
  it('backs off exponentially with jitter, within [base/2, base], capped', () => {
    const policy = { maxAttempts: 10, initialDelayMs: 100, maxDelayMs: 1_000 };
    expect([1, 2, 3, 4, 5].map((a) => retryDelay(policy, a, () => 0))).toEqual([
      50, 100, 200, 400, 500,
    ]);
    expect([1, 2, 3, 4, 5].map((a) => retryDelay(policy, a, () => 1))).toEqual([
      100, 200, 400, 800, 1000,
    ]);
  });

  it('retries only retryable errors, at most maxAttempts times, and throws the last error', async () => {
    let calls = 0;
    const policy = { maxAttempts: 4, initialDelayMs: 1, maxDelayMs: 2 };
    await expect(
      retry(
        async () => {
          calls++;
          throw transient();
        },
        { policy, isRetryable: isMarkedRetryable },
      ),
    ).rejects.toThrow('connection refused');
    expect(calls).toBe(4);
    calls = 0;
    await expect(
      retry(
        async () => {
          calls++;
          throw new Error('password authentication failed');
        },
        { policy, isRetryable: isMarkedRetryable },
      ),
    ).rejects.toThrow('password');
    expect(calls).toBe(1);
    calls = 0;
    expect(
      await retry(
        async (attempt) => {
          calls++;
          if (attempt < 3) throw transient();
          return 'ok';
        },
        { policy, isRetryable: isMarkedRetryable },
      ),
    ).toBe('ok');
    expect(calls).toBe(3);
  });

  it('gives up rather than wait past the time budget', async () => {
    let t = 0;
    let calls = 0;
    await expect(
      retry(
        async () => {
          calls++;
          t += 1_000;
          throw transient();
        },
        {
          policy: { maxAttempts: 100, initialDelayMs: 1, maxDelayMs: 1, maxElapsedMs: 3_500 },
          isRetryable: isMarkedRetryable,
          now: () => t,
        },
      ),
    ).rejects.toThrow();
    expect(calls).toBe(4);
  });

  it('leaves no abort listeners behind after many retries (the old leak)', async () => {
    const controller = new AbortController();
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      let calls = 0;
      await retry(
        async () => {
          if (++calls < 30) throw transient();
        },
        {
          policy: { maxAttempts: 50, initialDelayMs: 1, maxDelayMs: 1 },
          isRetryable: isMarkedRetryable,
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
        backoff: { maxAttempts: Number.POSITIVE_INFINITY, initialDelayMs: 1, maxDelayMs: 2 },
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
