/**
 * A failure while a pipeline runs (not a problem of its definition, which is a `PipekitError`):
 * which pipeline, node and operator, in which batch, and why.
 */
export class PipelineFailure extends Error {
  override readonly name = 'PipelineFailure';

  constructor(
    readonly pipeline: string,
    readonly node: string,
    readonly operator: string,
    readonly batchId: number | null,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      `pipeline '${pipeline}', node '${node}' (${operator})${batchId === null ? '' : `, batch ${batchId}`}: ${reason}`,
      options,
    );
  }
}

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
