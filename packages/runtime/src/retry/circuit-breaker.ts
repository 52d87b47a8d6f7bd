import { type RetryPolicy, retryWait } from './retry-policy.js';

/** `closed`: writes go through; `open`: the sink is failing, writes wait; `halfOpen`: one probe. */
export type CircuitState = 'closed' | 'open' | 'halfOpen';

export interface CircuitBreakerOptions {
  /** Consecutive failed batch writes that open the circuit. */
  readonly failureThreshold: number;
  /** How long the circuit stays open before one write is tried again (half-open) (ms). */
  readonly coolDownMs: number;
  /**
   * Fail the query when the circuit stays open this long without closing (ms); absent: wait as
   * long as it takes (the batch is written when the sink is back).
   */
  readonly maxOpenMs?: number;
  /**
   * The pause between failed writes before the threshold is reached: the retry policy's waits
   * (doubling from `initialRetryTimeMs`, at most `maxRetryWaitMs`); its `maxRetryTimeMs` is not
   * used (the threshold and `maxOpenMs` bound the breaker).
   */
  readonly backoff: RetryPolicy;
}

export const defaultCircuitBreaker: CircuitBreakerOptions = Object.freeze({
  failureThreshold: 3,
  coolDownMs: 5_000,
  backoff: Object.freeze({
    maxRetryTimeMs: Number.POSITIVE_INFINITY,
    initialRetryTimeMs: 200,
    maxRetryWaitMs: 2_000,
  }),
});

/** A change of a circuit's state, for metrics and logs. */
export interface CircuitEvent {
  readonly state: CircuitState;
  /** Failed writes in a row so far (0 once closed). */
  readonly consecutiveFailures: number;
  /** When the circuit opened this time (epoch ms), null when closed. */
  readonly openSince: number | null;
  /** The error that opened it or kept it open; absent when it closed. */
  readonly error?: unknown;
}

/** The circuit stayed open longer than `maxOpenMs`. */
export class CircuitOpenError extends Error {
  override readonly name = 'CircuitOpenError';
}

export interface CircuitHooks {
  /** Whether a failure may pass (a lost connection) rather than repeat (a bad row, a bad password). */
  readonly isRetryable: (e: unknown) => boolean;
  /** Waits on the run's clock; resolves early when the run stops. */
  readonly wait: (ms: number) => Promise<void>;
  readonly now: () => number;
  /** Whether the run was asked to stop: waiting ends and the last error is thrown. */
  readonly stopped: () => boolean;
  readonly onChange?: (e: CircuitEvent) => void;
}

/**
 * A circuit breaker around one sink's batch writes. A retryable failure is retried (the same batch:
 * sinks are idempotent per batch id) after a backoff; `failureThreshold` failures in a row open the
 * circuit: the query waits `coolDownMs`, then probes with the same batch (half-open); a success
 * closes it, a failure opens it again. Nothing is skipped: the query plans no new batch while the
 * write is pending. Non-retryable errors, a stop, or an open time over `maxOpenMs` end it with the
 * error.
 */
export class CircuitBreaker {
  private current: CircuitState = 'closed';
  private failures = 0;
  private openSince: number | null = null;
  /** Times the circuit opened over the run. */
  opened = 0;

  constructor(
    private readonly options: CircuitBreakerOptions,
    private readonly hooks: CircuitHooks,
  ) {}

  get state(): CircuitState {
    return this.current;
  }

  /** Failed writes in a row so far (0 once closed). */
  get consecutiveFailures(): number {
    return this.failures;
  }

  async run<T>(write: () => Promise<T>): Promise<T> {
    for (;;) {
      try {
        const r = await write();
        if (this.current !== 'closed' || this.failures > 0) this.set('closed');
        return r;
      } catch (e) {
        if (!this.hooks.isRetryable(e) || this.hooks.stopped()) throw e;
        this.failures++;
        const now = this.hooks.now();
        if (this.current === 'halfOpen' || this.failures >= this.options.failureThreshold) {
          if (this.openSince === null) {
            this.openSince = now;
            this.opened++;
          }
          this.set('open', e);
          const max = this.options.maxOpenMs;
          if (max !== undefined && now - this.openSince + this.options.coolDownMs > max)
            throw new CircuitOpenError(
              `the sink kept failing with the circuit open for ${Math.round((now - this.openSince) / 1000)} s (maxOpenMs ${max}): ${e instanceof Error ? e.message : String(e)}`,
              { cause: e },
            );
          await this.hooks.wait(this.options.coolDownMs);
          if (this.hooks.stopped()) throw e;
          this.set('halfOpen', e);
        } else await this.hooks.wait(retryWait(this.options.backoff, this.failures));
      }
    }
  }

  private set(state: CircuitState, error?: unknown): void {
    if (state === 'closed') {
      this.failures = 0;
      this.openSince = null;
    }
    const changed = state !== this.current;
    this.current = state;
    if (changed || state === 'open')
      this.hooks.onChange?.({
        state,
        consecutiveFailures: this.failures,
        openSince: this.openSince,
        ...(error === undefined ? {} : { error }),
      });
  }
}
