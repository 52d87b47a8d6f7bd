import { type RetryPolicy, retry } from '@pipekit/runtime';

export type { RetryPolicy };

const transientCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  '57P01', // admin_shutdown: the server is stopping
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up or shutting down
  '08000',
  '08001',
  '08003',
  '08006',
  '40001', // serialization_failure
  '40P01', // deadlock_detected
]);

function codeOf(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Whether `e` is a lost or refused connection (the server restarting, a network blip) that a new
 * connection may cure, as opposed to a bad password, a missing table or a constraint violation.
 */
export function isTransient(e: unknown): boolean {
  if (e instanceof Error && e.name === 'PostgresConnectionError')
    return (e as { retryable?: boolean }).retryable === true;
  const code = codeOf(e);
  if (code !== undefined && transientCodes.has(code)) return true;
  const message = e instanceof Error ? e.message : '';
  return /Connection terminated|connection error and is not queryable|not queryable|ECONNRESET|ECONNREFUSED/.test(
    message,
  );
}

/**
 * Reads and queries keep trying for a minute across a server restart (a source has no circuit
 * breaker: the query simply waits for its rows).
 */
export const defaultRetry: RetryPolicy = Object.freeze({
  maxAttempts: 1_000,
  initialDelayMs: 250,
  maxDelayMs: 2_000,
  maxElapsedMs: 60_000,
});

/**
 * A sink write tries a few times, then gives the batch back to the runtime's circuit breaker,
 * which waits for the server (and says so in metrics) instead of hammering it.
 */
export const sinkRetry: RetryPolicy = Object.freeze({
  maxAttempts: 6,
  initialDelayMs: 250,
  maxDelayMs: 2_000,
  maxElapsedMs: 10_000,
});

/**
 * Runs `attempt` under the runtime's one retry mechanism, retrying Postgres' transient errors
 * (`isTransient`); `onRetry` drops the broken connection first. `attempt` must be safe to repeat
 * (the sink's is: a committed batch is skipped; the source's: a read is replayable).
 */
export function withRetry<T>(
  attempt: () => Promise<T>,
  onRetry: (e: unknown) => Promise<void>,
  policy: RetryPolicy = defaultRetry,
  signal?: AbortSignal,
): Promise<T> {
  return retry(attempt, {
    policy,
    isRetryable: isTransient,
    onRetry,
    ...(signal === undefined ? {} : { signal }),
  });
}
