import { retry } from '@pipekit/runtime';
import type { Logger } from 'pino';
import type { RetryOptions } from './client.js';

/** Kafka gave up: the broker was unreachable (or kept failing) for longer than the retry budget. */
export class KafkaUnavailableError extends Error {
  override readonly name = 'KafkaUnavailableError';
  /**
   * Set when the retry budget ran out on an operation that may pass later (a broker restart): a
   * sink's circuit breaker then waits for the broker. Unset for errors that would repeat (a codec).
   */
  readonly retryable: boolean;

  constructor(message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryable = options.retryable ?? false;
  }
}

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Runs `op` until it succeeds under the runtime's retry policy (backoff ×2 with jitter, at most
 * 5 s apart, for at most `retry.maxRetryTimeMs`); then throws a `KafkaUnavailableError` that
 * names `what` and the last cause. kafkajs retries single requests itself; this covers whole
 * operations (a transaction, a metadata round) across a broker restart, so every error is retried.
 */
export async function withRetry<T>(
  what: string,
  op: (attempt: number) => Promise<T>,
  opts: {
    retry: RetryOptions;
    logger: Logger;
    signal?: AbortSignal;
    onError?: (e: unknown) => Promise<void>;
  },
): Promise<T> {
  const started = Date.now();
  let attempts = 0;
  try {
    return await retry(
      (attempt) => {
        attempts = attempt;
        return op(attempt - 1);
      },
      {
        policy: {
          maxAttempts: 10_000,
          initialDelayMs: opts.retry.initialRetryTimeMs,
          maxDelayMs: 5_000,
          maxElapsedMs: opts.retry.maxRetryTimeMs,
        },
        isRetryable: () => true,
        ...(opts.signal === undefined ? {} : { signal: opts.signal }),
        onRetry: async (e, attempt, delayMs) => {
          opts.logger.warn(
            { attempt, retryInMs: delayMs, err: messageOf(e) },
            `${what} failed; retrying`,
          );
          await opts.onError?.(e);
        },
      },
    );
  } catch (e) {
    const elapsed = Date.now() - started;
    throw new KafkaUnavailableError(
      `${what} failed after ${attempts} attempt(s) in ${Math.round(elapsed / 1000)} s (retry budget ${Math.round(opts.retry.maxRetryTimeMs / 1000)} s): ${messageOf(e)}`,
      { cause: e, retryable: true },
    );
  }
}
