import { type BuilderNode, isBoundedSource, type JoinType, type Trigger } from '@pipekit/core';
import type { Ctx } from './context.js';
import { type Flow, inputsOf, type JoinStep } from './ir.js';

/** How a legacy join is called: which side is the stream, and whether the other is a lookup. */
export interface JoinForm {
  /** The sides were swapped so the stream is on the left, as pipekit's stream–static join wants. */
  readonly swapped: boolean;
  readonly joinType: JoinType;
  readonly on: { readonly left: string[]; readonly right: string[] };
  readonly lookup?: true | { readonly refresh: number };
  readonly comments: readonly string[];
}

/** Whether every source upstream of a builder node ends by itself. */
export function isBoundedNode(node: BuilderNode): boolean {
  if (node.op.kind === 'source') return isBoundedSource(node.op.source);
  return node.inputs.every(isBoundedNode);
}

/** Whether the input is a source read with `cache` (Spark kept it in memory: read once). */
function cached(node: BuilderNode): boolean {
  if (node.op.kind === 'source')
    return node.op.source.type === 'postgres' && node.op.source.cache === true;
  if (node.op.kind === 'hint' && node.op.hint.type === 'cache') return true;
  return node.inputs.length === 1 && cached(node.inputs[0]!);
}

/** The processing-time interval every load after `step` runs at, when they agree on one. */
function triggerInterval(flow: Flow, step: number): number | undefined {
  const after = new Set([step]);
  const intervals = new Set<number | undefined>();
  flow.steps.forEach((s, i) => {
    if (!inputsOf(s).some((r) => after.has(r))) return;
    after.add(i);
    if (s.kind === 'sink') {
      const t: Trigger | undefined = s.query.trigger;
      intervals.add(t?.type === 'processingTime' ? t.interval : undefined);
    }
  });
  const [only] = intervals;
  return intervals.size === 1 ? only : undefined;
}

/**
 * A join of a stream with a bounded input (a table, a file) is Spark's stream–static join: the
 * static side is the lookup. Spark re-reads an uncached static side every micro-batch, so the
 * lookup is refreshed at the trigger's interval when the loads give one; a cached side is read
 * once. Spark takes the stream on either side for an inner join, and a right outer join only with
 * the stream on the right: those are swapped. The outer joins Spark refuses are refused here too.
 */
export function joinForm(
  ctx: Ctx,
  flow: Flow,
  index: number,
  step: JoinStep,
  left: BuilderNode,
  right: BuilderNode,
): JoinForm {
  const plain = {
    swapped: false,
    joinType: step.joinType,
    on: { left: [...step.on.left], right: [...step.on.right] },
    comments: [],
  };
  const leftBounded = isBoundedNode(left);
  const rightBounded = isBoundedNode(right);
  if (leftBounded === rightBounded) return plain;
  const typePath = [...step.path, 'config', 'joinType'];
  const stream = leftBounded ? 'right' : 'left';
  const allowed: readonly JoinType[] = leftBounded ? ['inner', 'right'] : ['inner', 'left'];
  if (!allowed.includes(step.joinType))
    ctx.fail(
      typePath,
      `a ${step.joinType} outer join of a stream (the ${stream} side) with a bounded input is refused by Spark too: the bounded side's unmatched rows are never final`,
      allowed.map((t) => `joinType '${t}'`).join(' or '),
    );
  const staticNode = leftBounded ? left : right;
  const interval = cached(staticNode) ? undefined : triggerInterval(flow, index);
  const lookup = interval === undefined ? (true as const) : { refresh: interval };
  const comments = [
    interval === undefined
      ? `A stream joined with a bounded input: the input is a lookup table, read once${cached(staticNode) ? ' (the config caches it)' : ''}.`
      : "A stream joined with a bounded input: the input is a lookup table, read again at the trigger's interval (Spark re-read it every micro-batch).",
  ];
  if (!leftBounded) return { ...plain, lookup, comments };
  return {
    swapped: true,
    joinType: step.joinType === 'right' ? 'left' : 'inner',
    on: { left: [...step.on.right], right: [...step.on.left] },
    lookup,
    comments: [
      ...comments,
      `The stream (${step.joinType === 'right' ? 'the right side of a right outer join' : 'the right side'}) is put on the left, as pipekit's stream–static join needs: the columns come stream first.`,
    ],
  };
}
