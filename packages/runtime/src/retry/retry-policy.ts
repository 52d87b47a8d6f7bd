/**
 * How long a connector keeps trying an operation that fails for a reason that may pass (a broker
 * or server down, restarting, unreachable): exponential backoff from `initialRetryTimeMs`, doubling
 * up to `maxRetryWaitMs`, for as many attempts as fit in `maxRetryTimeMs`. The attempts are
 * counted in advance, so each retry can say "attempt 2 of 16".
 */
export interface RetryPolicy {
  /** The waits between attempts add up to at most this (ms). */
  readonly maxRetryTimeMs: number;
  /** The first wait (ms); each next one doubles. */
  readonly initialRetryTimeMs: number;
  /** The longest wait between two attempts (ms). */
  readonly maxRetryWaitMs: number;
}

/**
 * The waits after each failed attempt but the last: `attempts = waits.length + 1`. At least one
 * retry, so a blip at the very start does not fail a pipeline.
 */
export function retryWaits(policy: RetryPolicy): readonly number[] {
  const waits: number[] = [];
  let total = 0;
  let wait = Math.max(1, policy.initialRetryTimeMs);
  const cap = Math.max(wait, policy.maxRetryWaitMs);
  while (waits.length === 0 || total + wait <= policy.maxRetryTimeMs) {
    waits.push(wait);
    total += wait;
    wait = Math.min(wait * 2, cap);
    if (waits.length >= 1000) break;
  }
  return waits;
}

/** A wait as a person reads it: `0.25 s`, `4 s`, `12 s`. */
export function formatWait(ms: number): string {
  if (ms >= 10_000) return `${Math.round(ms / 1000)} s`;
  return `${Number((ms / 1000).toFixed(2))} s`;
}
