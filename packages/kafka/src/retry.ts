import type { Logger } from 'pino';
import type { RetryOptions } from './client.js';

/** Kafka gave up: the broker was unreachable (or kept failing) for longer than the retry budget. */
export class KafkaUnavailableError extends Error {
  override readonly name = 'KafkaUnavailableError';
}

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });

/**
 * Runs `op` until it succeeds, with exponential backoff (×2, at most 5 s between tries), for at
 * most `retry.maxRetryTimeMs`; then throws a `KafkaUnavailableError` that names `what` and the
 * last cause. kafkajs retries single requests itself; this covers whole operations (a transaction,
 * a metadata round) across a broker restart.
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
  let wait = opts.retry.initialRetryTimeMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await op(attempt);
    } catch (e) {
      const elapsed = Date.now() - started;
      if (opts.signal?.aborted || elapsed + wait > opts.retry.maxRetryTimeMs) {
        throw new KafkaUnavailableError(
          `${what} failed after ${attempt + 1} attempt(s) in ${Math.round(elapsed / 1000)} s (retry budget ${Math.round(opts.retry.maxRetryTimeMs / 1000)} s): ${messageOf(e)}`,
          { cause: e },
        );
      }
      opts.logger.warn(
        { attempt: attempt + 1, retryInMs: wait, err: messageOf(e) },
        `${what} failed; retrying`,
      );
      if (opts.onError) await opts.onError(e).catch(() => {});
      await sleep(wait, opts.signal);
      wait = Math.min(wait * 2, 5_000);
    }
  }
}
