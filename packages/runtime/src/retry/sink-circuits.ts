import type { Logger } from 'pino';
import type { SchedulerLike } from 'rxjs';
import type { SinkWriter } from '../connector.js';
import { sleep } from '../driver/trigger-loop.js';
import { messageOf } from '../errors.js';
import type { MetricsListener, SinkCircuitEvent } from '../metrics/node-metrics.js';
import { CircuitBreaker, type CircuitBreakerOptions } from './circuit-breaker.js';
import { isMarkedRetryable } from './connector-failure.js';

/** What a sink's circuit breaker needs from the run. */
export interface CircuitDeps {
  readonly pipeline: string;
  readonly options: CircuitBreakerOptions;
  readonly scheduler: SchedulerLike;
  readonly signal: AbortSignal;
  readonly logger: Logger;
  readonly metrics: readonly MetricsListener[];
}

/**
 * The circuit breaker of one sink (`node`: its node id, or `<id>.deadLetter` for a dead-letter
 * sink), on the run's clock, reporting each change to the logs and the metrics listeners.
 */
export function sinkCircuit(
  deps: CircuitDeps,
  queryId: string,
  node: string,
  writer: () => SinkWriter | undefined,
): CircuitBreaker {
  return new CircuitBreaker(deps.options, {
    isRetryable: (e) => writer()?.isRetryable?.(e) ?? isMarkedRetryable(e),
    wait: (ms) => sleep(deps.scheduler, ms, deps.signal),
    now: () => deps.scheduler.now(),
    stopped: () => deps.signal.aborted,
    onChange: (c) => {
      const error = c.error === undefined ? undefined : messageOf(c.error);
      const event: SinkCircuitEvent = {
        pipeline: deps.pipeline,
        queryId,
        node,
        state: c.state,
        consecutiveFailures: c.consecutiveFailures,
        openSince: c.openSince,
        ...(error === undefined ? {} : { error }),
      };
      if (c.state === 'closed') deps.logger.info(event, 'sink circuit closed: the sink is back');
      else deps.logger.warn(event, `sink circuit ${c.state}`);
      for (const l of deps.metrics) l.onCircuit?.(event);
    },
  });
}

/** A writer whose batch writes go through a circuit breaker (dead-letter sinks get one too). */
export function guardedWriter(writer: SinkWriter, breaker: CircuitBreaker): SinkWriter {
  return {
    writeBatch: (batch) => breaker.run(async () => writer.writeBatch(batch)),
    ...(writer.isRetryable ? { isRetryable: (e: unknown) => writer.isRetryable!(e) } : {}),
    close: () => writer.close(),
  };
}
