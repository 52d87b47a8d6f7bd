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

/** How long to keep trying after a transient error, and the pause between attempts. */
export interface RetryPolicy {
  readonly timeoutMs: number;
  readonly delayMs: number;
}

export const defaultRetry: RetryPolicy = { timeoutMs: 60_000, delayMs: 250 };

/**
 * Runs `attempt` until it succeeds, a non-transient error comes, `policy.timeoutMs` has passed
 * or `signal` aborts. `attempt` must be safe to repeat (the sink's is: a committed batch is
 * skipped; the source's: a read is replayable).
 */
export async function withRetry<T>(
  attempt: () => Promise<T>,
  onRetry: (e: unknown) => Promise<void>,
  policy: RetryPolicy = defaultRetry,
  signal?: AbortSignal,
): Promise<T> {
  const deadline = Date.now() + policy.timeoutMs;
  let delay = policy.delayMs;
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (e) {
      if (!isTransient(e) || Date.now() + delay > deadline || signal?.aborted || tries >= 1000)
        throw e;
      await onRetry(e);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 2_000);
    }
  }
}
