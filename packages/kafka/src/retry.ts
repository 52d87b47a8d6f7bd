import {
  ConnectorFailure,
  type ConnectorFailureDetails,
  withRetry as retrying,
} from '@pipekit/runtime';
import type { Logger } from 'pino';
import type { RetryOptions } from './client.js';
import { describeKafkaError, type KafkaEndpoint } from './kafka-errors.js';

/** Kafka gave up: the broker was unreachable (or kept failing) for longer than the retry budget. */
export class KafkaUnavailableError extends ConnectorFailure {
  override name = 'KafkaUnavailableError';

  constructor(message: string, details: ConnectorFailureDetails = {}) {
    super(message, details);
  }
}

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Runs `op` until it succeeds, within `retry` (see the runtime's `withRetry`): each failed attempt
 * is one line a person reads (`broker 127.0.0.1:9 refused the connection (attempt 2 of 16, next in
 * 0.5 s)`), and giving up is a `KafkaUnavailableError` naming `what`, the broker, the last cause
 * and what to check. kafkajs retries single requests itself; this covers whole operations (a
 * transaction, a metadata round) across a broker restart.
 */
export function withRetry<T>(
  what: string,
  op: (attempt: number) => Promise<T>,
  opts: {
    retry: RetryOptions;
    logger: Logger;
    endpoint: KafkaEndpoint;
    signal?: AbortSignal;
    onError?: (e: unknown) => Promise<void>;
  },
): Promise<T> {
  return retrying(what, op, {
    policy: opts.retry,
    logger: opts.logger,
    describe: (e) => describeKafkaError(e, opts.endpoint),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.onError ? { onError: opts.onError } : {}),
    failure: (message, details) => new KafkaUnavailableError(message, details),
  });
}
