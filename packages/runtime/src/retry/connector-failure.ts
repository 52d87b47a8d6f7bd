/**
 * What went wrong talking to an outside system, said for a person: the endpoint (a broker, a
 * server, a path), what happened there, and what to check. Connectors describe their client's
 * errors with it; it never holds a secret (a password is never part of an endpoint or a text).
 */
export interface ConnectorProblem {
  /** `127.0.0.1:9092`, `postgres://app@db:5432/shop`, `s3://bucket/table`; null when unknown. */
  readonly endpoint: string | null;
  /** What happened, as a clause: `broker 127.0.0.1:9 refused the connection`. */
  readonly text: string;
  /** What the person should check, as a sentence; null when there is nothing specific. */
  readonly check: string | null;
  /** Whether trying again may help (down, restarting, unreachable), not a wrong password or path. */
  readonly retryable: boolean;
}

export interface ConnectorFailureDetails {
  readonly endpoint?: string | null;
  readonly check?: string | null;
  /** Attempts made (1 when the first failure was final). */
  readonly attempts?: number;
  readonly elapsedMs?: number;
  readonly cause?: unknown;
}

/**
 * A connector gave up: its message says the operation, the attempts and the last cause; `check`
 * says what to look at. The runtime wraps it in a `PipelineFailure` naming the node.
 */
export class ConnectorFailure extends Error {
  override name = 'ConnectorFailure';
  readonly endpoint: string | null;
  readonly check: string | null;
  readonly attempts: number;
  readonly elapsedMs: number;

  constructor(message: string, details: ConnectorFailureDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.endpoint = details.endpoint ?? null;
    this.check = details.check ?? null;
    this.attempts = details.attempts ?? 1;
    this.elapsedMs = details.elapsedMs ?? 0;
  }
}

/**
 * The `check` of the first error in a cause chain that has one: a `ConnectorFailure`, or any
 * connector error with a string `check` (a connector package need not extend the runtime's class).
 */
export function checkOf(e: unknown): string | null {
  for (let c: unknown = e, depth = 0; c instanceof Error && depth < 8; c = c.cause, depth++) {
    const check = (c as { check?: unknown }).check;
    if (typeof check === 'string' && check !== '') return check;
  }
  return null;
}
