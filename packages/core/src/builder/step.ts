import { PipekitError } from '../errors/pipekit-error.js';
import { checkNode } from '../plan/node-schema.js';
import { type BuilderNode, builderNode, type NodeOp, type Udf } from './graph.js';

/** How a step reads in an error message: `filter(...)`, `source.kafka(...)`. */
export function describeOp(op: NodeOp): string {
  if (op.kind === 'source') return `source.${op.source.type}(...)`;
  if (op.kind === 'sink') return `.sink.${op.sink.type}(...)`;
  return `.${op.kind}(...)`;
}

/**
 * Adds a step after `inputs`: works out its output schema and refuses it, at the line that wrote
 * it, when a column is unknown or has the wrong type.
 */
export function step(op: NodeOp, inputs: readonly BuilderNode[], udf?: Udf): BuilderNode {
  const schemas =
    op.kind === 'sideOutput' ? [inputs[0]?.inputs[0]?.schema ?? null] : inputs.map((i) => i.schema);
  const { schema, issues } = checkNode(op, schemas);
  if (issues.length > 0) throw new PipekitError(`${describeOp(op)} is not valid`, issues);
  return builderNode(op, inputs, schema, udf);
}
