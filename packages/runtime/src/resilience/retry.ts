import { sleep } from './sleep.js';

/**
 * How an operation is retried: bounded attempts, exponential backoff (×2 from `initialDelayMs`, at
 * most `maxDelayMs`) with jitter, and an optional time budget. One policy for every connector.
 */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** Give up rather than wait past this long since the first attempt (ms); no budget when absent. */
  readonly maxElapsedMs?: number;
}

export const defaultRetryPolicy: RetryPolicy = Object.freeze({
  maxAttempts: 5,
  initialDelayMs: 250,
  maxDelayMs: 5_000,
});

/**
 * The pause before attempt `attempt + 1` (after `attempt` failures, from 1): exponential, then
 * "equal jitter" (half fixed, half random), so clients that failed together do not retry together
 * yet each still waits at least half the backoff.
 */
export function retryDelay(policy: RetryPolicy, attempt: number, random = Math.random): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(base / 2 + (random() * base) / 2);
}

/** Whether an error says it may pass on its own (a connector sets `retryable: true` on it). */
export function isMarkedRetryable(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { retryable?: unknown }).retryable === true;
}

export interface RetryOptions {
  readonly policy: RetryPolicy;
  /** Only these errors are retried; any other is thrown at once. */
  readonly isRetryable: (e: unknown) => boolean;
  /** Stops retrying (the last error is thrown). */
  readonly signal?: AbortSignal;
  /** Before each pause: log it, drop a broken connection. Its own errors are ignored. */
  readonly onRetry?: (e: unknown, attempt: number, delayMs: number) => unknown;
  /** The clock, for tests. */
  readonly now?: () => number;
}

/**
 * Runs `op` until it succeeds; a retryable error is retried after a backoff while attempts and the
 * time budget last. The error that ended it is thrown as it is (connectors wrap it with what they
 * were doing). `op` must be safe to repeat.
 *
 * @example
 * await retry(() => client.query(sql), { policy: defaultRetryPolicy, isRetryable: isTransient });
 */
export async function retry<T>(op: (attempt: number) => Promise<T>, o: RetryOptions): Promise<T> {
  const now = o.now ?? Date.now;
  const started = now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await op(attempt);
    } catch (e) {
      const delay = retryDelay(o.policy, attempt);
      const budget = o.policy.maxElapsedMs;
      if (
        !o.isRetryable(e) ||
        attempt >= o.policy.maxAttempts ||
        o.signal?.aborted ||
        (budget !== undefined && now() - started + delay > budget)
      )
        throw e;
      try {
        await o.onRetry?.(e, attempt, delay);
      } catch {
        // A failed cleanup must not hide the error being retried.
      }
      await sleep(delay, o.signal);
    }
  }
}
