import type { PlanNode } from '../plan/plan-node.js';
import type { Schema } from '../schema/data-type.js';
import type { Row } from '../schema/row-type.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A plan node before it has an id: what a builder step records. Inputs are other builder nodes. */
export type NodeOp = DistributiveOmit<
  PlanNode,
  'id' | 'input' | 'inputs' | 'left' | 'right' | 'of'
>;

export type Udf = (row: Row) => unknown;

/**
 * One step of a pipeline as builders hold it: immutable, sharing inputs by reference, so one stream
 * can feed several sinks (fan-out) and the plan lists it once.
 */
export interface BuilderNode {
  readonly op: NodeOp;
  readonly inputs: readonly BuilderNode[];
  /** The output row's columns, when known. */
  readonly schema: Schema | null;
  /** The function of a `map` step. */
  readonly udf?: Udf;
}

export function builderNode(
  op: NodeOp,
  inputs: readonly BuilderNode[],
  schema: Schema | null,
  udf?: Udf,
): BuilderNode {
  return Object.freeze(udf ? { op, inputs, schema, udf } : { op, inputs, schema });
}

/** Every node upstream of (and including) `node`. */
export function* upstream(
  node: BuilderNode,
  seen = new Set<BuilderNode>(),
): Generator<BuilderNode> {
  if (seen.has(node)) return;
  seen.add(node);
  yield node;
  for (const i of node.inputs) yield* upstream(i, seen);
}
