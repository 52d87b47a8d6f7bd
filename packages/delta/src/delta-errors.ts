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

  /** What a person should check, by code (`pipe run` prints it under the error). */
  get check(): string | null {
    const remote =
      /^[a-z][a-z0-9+.-]*:\/\//i.test(this.tablePath) && !this.tablePath.startsWith('file:');
    const access = remote
      ? 'the object store: the bucket and prefix, the credentials (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or the instance role), AWS_REGION and, for S3-compatible stores, AWS_ENDPOINT_URL'
      : 'that the directory exists and this user may read and write it, and that the disk has room';
    switch (this.code) {
      case 'NOT_A_TABLE':
        return `the path: '${this.tablePath}' holds no Delta table (no _delta_log); a sink creates one, a source needs one`;
      case 'IO':
        return `${access} (path '${this.tablePath}')`;
      case 'SCHEMA_MISMATCH':
        return `the rows' columns against the table's (pipe delta show '${this.tablePath}'); mergeSchema: true adds new nullable columns`;
      case 'CONFLICT':
        return `whether another writer changed '${this.tablePath}' at the same time`;
      default:
        return null;
    }
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
