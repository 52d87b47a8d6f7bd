import { z } from 'zod';
import { sinkNodeSchema } from './nodes/sink-node.js';
import { sourceNodeSchema } from './nodes/source-node.js';
import {
  aggregateNodeSchema,
  dedupeNodeSchema,
  joinNodeSchema,
  sideOutputNodeSchema,
  watermarkNodeSchema,
} from './nodes/stateful-nodes.js';
import {
  dropNodeSchema,
  filterNodeSchema,
  hintNodeSchema,
  mapNodeSchema,
  selectNodeSchema,
  unionNodeSchema,
  withColumnNodeSchema,
} from './nodes/stateless-nodes.js';

/** The closed union of plan node kinds. A visitor over it must handle every kind (see `PlanVisitor`). */
export const planNodeSchema = z.discriminatedUnion('kind', [
  sourceNodeSchema,
  filterNodeSchema,
  selectNodeSchema,
  withColumnNodeSchema,
  dropNodeSchema,
  mapNodeSchema,
  unionNodeSchema,
  hintNodeSchema,
  watermarkNodeSchema,
  dedupeNodeSchema,
  aggregateNodeSchema,
  joinNodeSchema,
  sideOutputNodeSchema,
  sinkNodeSchema,
]);

export type PlanNode = z.output<typeof planNodeSchema>;
export type PlanNodeKind = PlanNode['kind'];
export type PlanNodeOf<K extends PlanNodeKind> = Extract<PlanNode, { kind: K }>;

/** Exhaustive dispatch: adding a node kind fails to compile until every visitor handles it. */
export type PlanVisitor<R, Ctx = void> = {
  readonly [K in PlanNodeKind]: (node: PlanNodeOf<K>, ctx: Ctx) => R;
};

/** Calls the visitor's handler for the node's kind (the exhaustive dispatch of engines and printers). */
export function visitNode<R, Ctx>(visitor: PlanVisitor<R, Ctx>, node: PlanNode, ctx: Ctx): R {
  return (visitor[node.kind] as (n: PlanNode, c: Ctx) => R)(node, ctx);
}

/** The ids of the nodes a node reads from. */
export function nodeInputs(node: PlanNode): readonly string[] {
  switch (node.kind) {
    case 'source':
      return [];
    case 'union':
      return node.inputs;
    case 'join':
      return [node.left, node.right];
    case 'sideOutput':
      return [node.of];
    default:
      return [node.input];
  }
}
