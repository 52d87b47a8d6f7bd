import type { Issue } from '../errors/pipekit-error.js';
import type { JoinNode } from './nodes/stateful-nodes.js';
import type { Plan } from './plan.js';
import {
  downstreamSinks,
  eventTimeWatermark,
  type NodeFacts,
  type PlanFacts,
  sideWatermark,
} from './plan-facts.js';

function issueAt(
  facts: NodeFacts,
  message: string,
  fix?: string,
  path: (string | number)[] = [],
): Issue {
  return { path: ['nodes', facts.index, ...path], message, ...(fix === undefined ? {} : { fix }) };
}

/** Joins: both sides bounded (hash join), stream–static (`lookup`), stream–stream (`within`). */
function joinIssues(n: JoinNode, at: NodeFacts, facts: PlanFacts): Issue[] {
  const left = facts.get(n.left)!;
  const right = facts.get(n.right)!;
  if (left.bounded && right.bounded) return [];
  if (left.bounded)
    return [
      issueAt(
        at,
        'a stream–static join needs the stream on the left and the static (bounded) side on the right',
        'swap the two sides of the join',
      ),
    ];
  if (right.bounded) {
    if (!n.lookup)
      return [
        issueAt(
          at,
          'a join of a stream with a bounded input must mark that input as static',
          "add lookup: true (or lookup: { refresh: '10 minutes' }) to the join",
        ),
      ];
    if (n.joinType === 'right' || n.joinType === 'full')
      return [
        issueAt(
          at,
          `a ${n.joinType} outer join of a stream with a static side is not possible: its unmatched static rows are never final`,
          "use joinType 'inner' or 'left'",
          ['joinType'],
        ),
      ];
    return [];
  }
  if (n.lookup)
    return [
      issueAt(
        at,
        'the right side of a lookup join must be bounded (static)',
        'use within for a stream–stream join, or read the right side from a bounded source',
        ['lookup'],
      ),
    ];
  if (n.within === undefined)
    return [
      issueAt(
        at,
        'a stream–stream join needs within: its state would grow forever',
        "add within: '10 minutes' (how far apart in event time rows may match)",
      ),
    ];
  const issues: Issue[] = [];
  for (const side of ['left', 'right'] as const)
    if (!sideWatermark(n[side], facts))
      issues.push(
        issueAt(
          at,
          `the ${side} side of stream–stream join '${n.id}' has no watermark`,
          `add .watermark(column, delay) on the ${side} input before the join`,
          [side],
        ),
      );
  return issues;
}

/**
 * The rules of streaming that hold on every engine (Spark's rules, which the local runtime keeps
 * too): how joins of streams are bounded, which aggregations can be written in append mode, where
 * late rows exist. Each engine adds only what it cannot run itself.
 */
export function planRuleIssues(plan: Plan, facts: PlanFacts): Issue[] {
  const issues: Issue[] = [];
  for (const node of plan.nodes) {
    const at = facts.get(node.id)!;
    if (node.kind === 'join') issues.push(...joinIssues(node, at, facts));
    else if (node.kind === 'aggregate' && !at.bounded) {
      const appended = downstreamSinks(node.id, facts).some((s) => s.outputMode === 'append');
      if (appended && !eventTimeWatermark(node, facts))
        issues.push(
          issueAt(
            at,
            `append output of aggregation '${node.id}' needs a watermark on its event-time column`,
            "add .watermark(column, delay) before the window, or use outputMode 'update' or 'complete'",
          ),
        );
    } else if (node.kind === 'sideOutput' && node.output === 'late' && facts.get(node.of)?.bounded)
      issues.push(
        issueAt(at, 'not supported: late rows of a bounded input (every row is on time)'),
      );
  }
  return issues;
}
