/** Why a Delta operation failed. Stable across releases; match on it, not on messages. */
export type DeltaErrorCode =
  | 'CONFLICT'
  | 'SCHEMA_MISMATCH'
  | 'NOT_A_TABLE'
  | 'IO'
  | 'INVALID_ARGUMENT'
  | 'INTERNAL';

const codes: ReadonlySet<string> = new Set<DeltaErrorCode>([
  'CONFLICT',
  'SCHEMA_MISMATCH',
  'NOT_A_TABLE',
  'IO',
  'INVALID_ARGUMENT',
  'INTERNAL',
]);

/**
 * A failed Delta operation on one table.
 *
 * @example
 * try {
 *   await DeltaTable.open('/data/missing');
 * } catch (e) {
 *   if (e instanceof DeltaError && e.code === 'NOT_A_TABLE') console.log(e.tablePath);
 * }
 */
export class DeltaError extends Error {
  override readonly name = 'DeltaError';

  constructor(
    readonly code: DeltaErrorCode,
    readonly tablePath: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const reasonPrefix = 'pipekit-delta:';

/**
 * Turn whatever the native addon threw into a `DeltaError`. The addon encodes
 * `{code, tablePath, message}` as JSON after a fixed prefix in the error message.
 */
export function fromNativeError(error: unknown, tablePath: string): DeltaError {
  if (error instanceof DeltaError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const at = message.indexOf(reasonPrefix);
  if (at >= 0) {
    try {
      const body = JSON.parse(message.slice(at + reasonPrefix.length)) as Record<string, unknown>;
      const code = typeof body.code === 'string' && codes.has(body.code) ? body.code : 'INTERNAL';
      // Errors about a write's id (not its table) come without a path: the caller knows it.
      const named = typeof body.tablePath === 'string' && body.tablePath !== '';
      const text = typeof body.message === 'string' ? body.message : message;
      return new DeltaError(
        code as DeltaErrorCode,
        named ? (body.tablePath as string) : tablePath,
        named ? text : `${tablePath}: ${text}`,
        { cause: error },
      );
    } catch {
      // Fall through: not our encoding after all.
    }
  }
  // napi argument validation errors (wrong JS types) are caller mistakes.
  const code: DeltaErrorCode =
    error instanceof Error && (error as { code?: unknown }).code === 'InvalidArg'
      ? 'INVALID_ARGUMENT'
      : 'INTERNAL';
  return new DeltaError(code, tablePath, `${tablePath}: ${message}`, { cause: error });
}
