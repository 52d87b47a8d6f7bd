import { ConnectorFailure, formatWait, retryWaits } from '@pipekit/runtime';
import type { Logger } from 'pino';

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

/** How long to keep trying after a transient error, and the first pause between attempts. */
export interface RetryPolicy {
  readonly timeoutMs: number;
  readonly delayMs: number;
}

export const defaultRetry: RetryPolicy = { timeoutMs: 60_000, delayMs: 250 };

/** The cause of a failed attempt without what the line says anyway (the server, the hint). */
function causeText(e: unknown, where: string | undefined): string {
  const text = e instanceof Error ? e.message : String(e);
  if (where === undefined) return text;
  return text
    .replace(`cannot connect to PostgreSQL at ${where}: `, '')
    .replace(/ \((is the server running|check ).*\)$/, '');
}

/** What a retry says to a person: the operation and the server (never the password). */
export interface RetryReport {
  readonly logger: Logger;
  /** `reading public.orders`, `writing batch 3 to public.totals`. */
  readonly what: string;
  /** `host:port/db as user` (`ResolvedConnection.where`). */
  readonly where: string;
}

/**
 * Runs `attempt` until it succeeds, a non-transient error comes, the attempts that fit in
 * `policy.timeoutMs` (pauses doubling from `delayMs` up to 2 s) are used up, or `signal` aborts.
 * `attempt` must be safe to repeat (the sink's is: a committed batch is skipped; the source's: a
 * read is replayable). With `report`, each retry is one line (`PostgreSQL at db:5432/shop as
 * app: Connection terminated unexpectedly (attempt 2 of 33, next in 0.5 s)`) and giving up
 * after retries is a `ConnectorFailure` saying what to check; a first failure that will not pass
 * is thrown as it is.
 */
export async function withRetry<T>(
  attempt: () => Promise<T>,
  onRetry: (e: unknown) => Promise<void>,
  policy: RetryPolicy = defaultRetry,
  signal?: AbortSignal,
  report?: RetryReport,
): Promise<T> {
  const waits = retryWaits({
    maxRetryTimeMs: policy.timeoutMs,
    initialRetryTimeMs: policy.delayMs,
    maxRetryWaitMs: 2_000,
  });
  const started = Date.now();
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (e) {
      const wait = waits[tries - 1];
      const reason = causeText(e, report?.where);
      if (!isTransient(e) || wait === undefined || signal?.aborted) {
        if (tries === 1 || !report) throw e;
        throw new ConnectorFailure(
          `${report.what} failed after ${tries} attempts in ${formatWait(Date.now() - started)}: PostgreSQL at ${report.where}: ${reason}`,
          {
            endpoint: report.where,
            check: `that the PostgreSQL server at ${report.where} is running and reachable (its log says why it went away)`,
            attempts: tries,
            elapsedMs: Date.now() - started,
            cause: e,
          },
        );
      }
      report?.logger.warn(
        {
          retry: {
            attempt: tries,
            attempts: waits.length + 1,
            waitMs: wait,
            endpoint: report.where,
          },
        },
        `PostgreSQL at ${report.where}: ${reason} (attempt ${tries} of ${waits.length + 1}, next in ${formatWait(wait)})`,
      );
      await onRetry(e);
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}
