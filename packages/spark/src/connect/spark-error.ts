import type { ServiceError } from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import type { SparkRemote } from './remote.js';

/**
 * A failure reported by the Spark Connect server or on the way to it. `errorClass` is Spark's
 * error class (`TABLE_OR_VIEW_NOT_FOUND`, ...) when the server gave one.
 */
export class SparkError extends Error {
  override readonly name = 'SparkError';

  constructor(
    message: string,
    readonly errorClass?: string,
    readonly unavailable = false,
  ) {
    super(message);
  }

  static from(e: unknown, remote: SparkRemote): SparkError {
    if (e instanceof SparkError) return e;
    const err = e as Partial<ServiceError>;
    if (err.code === status.UNAVAILABLE)
      return new SparkError(
        `no Spark Connect server answers at ${remote.display} (${err.details ?? err.message})`,
        undefined,
        true,
      );
    const details = String(err.details ?? err.message ?? e);
    const errorClass = /^\[([A-Z_.]+)\]/.exec(details)?.[1];
    // The server's message starts with [ERROR_CLASS]; keep it whole, it names what Spark refused.
    return new SparkError(details, errorClass);
  }
}
