import { nodeInputs, type PlanNode } from './plan-node.js';

/**
 * Every node upstream of `id`, itself included, nearest first. `nodeById` is whatever lookup the
 * caller already has (a map of the plan's nodes, or its facts), so the walk builds none of its own.
 */
export function upstreamNodes(
  id: string,
  nodeById: (id: string) => PlanNode | undefined,
): PlanNode[] {
  const out: PlanNode[] = [];
  const seen = new Set<string>();
  const walk = (i: string) => {
    if (seen.has(i)) return;
    seen.add(i);
    const n = nodeById(i);
    if (!n) return;
    out.push(n);
    nodeInputs(n).forEach(walk);
  };
  walk(id);
  return out;
}
