import type { PlanNode } from '@pipekit/core';

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

/** How people see a node: the user's `.as()` name when it has one, else its plan id. */
export function nodeLabel(n: Pick<PlanNode, 'id' | 'name'>): string {
  return n.name ?? n.id;
}

/** What a node is, for errors: `kafka source`, `delta sink`, `aggregate`. */
export function operatorOf(n: PlanNode): string {
  if (n.kind === 'source') return `${n.source.type} source`;
  if (n.kind === 'sink') return `${n.sink.type} sink`;
  return n.kind;
}

function isPipekitError(e: unknown): boolean {
  return (e as { name?: string } | null)?.name === 'PipekitError';
}

/**
 * `e` as a failure of node `n`: a `PipelineFailure` (or a definition error) passes as it is;
 * anything else is wrapped, so the final message names the node whatever the connector threw.
 */
export function failureOf(pipeline: string, n: PlanNode, e: unknown): unknown {
  if (e instanceof PipelineFailure || isPipekitError(e)) return e;
  return new PipelineFailure(pipeline, nodeLabel(n), operatorOf(n), null, messageOf(e), {
    cause: e,
  });
}
