import type { Logger } from 'pino';
import { ConnectorFailure, type ConnectorProblem } from './connector-failure.js';
import { formatWait, type RetryPolicy, retryWaits } from './retry-policy.js';

export interface RetryContext {
  readonly policy: RetryPolicy;
  /** The node's logger: each retry is one warning line on it. */
  readonly logger: Logger;
  /** Describes a failure of `op` for a person, and says whether another attempt may help. */
  readonly describe: (e: unknown) => ConnectorProblem;
  /** Stops retrying (the pipeline is stopping). */
  readonly signal?: AbortSignal;
  /** Runs after a failed attempt, before the wait (drop a broken client...). */
  readonly onError?: (e: unknown) => Promise<void>;
  /** Makes the final error (a connector's own subclass of `ConnectorFailure`). */
  readonly failure?: (
    message: string,
    details: ConstructorParameters<typeof ConnectorFailure>[1],
  ) => Error;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

/**
 * Runs `op` until it succeeds, for the attempts `ctx.policy` allows. Each failure that may pass
 * is one warning, `broker 127.0.0.1:9 refused the connection (attempt 2 of 16, next in 0.5 s)`;
 * the library's own chatter stays at debug. A failure that will not pass (a wrong password, a
 * missing table), the last attempt or a stop ends it with a `ConnectorFailure` naming the
 * operation, the attempts and the last cause, and what to check.
 */
export async function withRetry<T>(
  operation: string,
  op: (attempt: number) => Promise<T>,
  ctx: RetryContext,
): Promise<T> {
  const waits = retryWaits(ctx.policy);
  const attempts = waits.length + 1;
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await op(attempt);
    } catch (e) {
      const problem = ctx.describe(e);
      const wait = waits[attempt - 1];
      if (!problem.retryable || wait === undefined || ctx.signal?.aborted) {
        const elapsed = Date.now() - started;
        const tries = attempt === 1 ? '' : ` after ${attempt} attempts in ${formatWait(elapsed)}`;
        const make = ctx.failure ?? ((m, d) => new ConnectorFailure(m, d));
        throw make(`${operation} failed${tries}: ${problem.text}`, {
          endpoint: problem.endpoint,
          check: problem.check,
          attempts: attempt,
          elapsedMs: elapsed,
          cause: e,
        });
      }
      ctx.logger.warn(
        { retry: { operation, attempt, attempts, waitMs: wait, endpoint: problem.endpoint } },
        `${problem.text} (attempt ${attempt} of ${attempts}, next in ${formatWait(wait)})`,
      );
      if (ctx.onError) await ctx.onError(e).catch(() => {});
      await sleep(wait, ctx.signal);
    }
  }
}
