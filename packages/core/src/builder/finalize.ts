import { type Plan, planVersion } from '../plan/plan.js';
import type { PlanNode } from '../plan/plan-node.js';
import type { Policies } from '../plan/policy.js';
import type { BuilderNode, Udf } from './graph.js';

/**
 * Numbers the steps reachable from the sinks (inputs first, each shared step once) and lays them
 * out as plan nodes. Ids depend only on the pipeline's shape, so the same code gives the same plan.
 */
export function finalize(
  name: string,
  sinks: readonly BuilderNode[],
  policies: Policies,
): { plan: Plan; udfs: Map<string, Udf> } {
  const ids = new Map<BuilderNode, string>();
  const perKind = new Map<string, number>();
  const nodes: PlanNode[] = [];
  const udfs = new Map<string, Udf>();
  const udfNames = new Map<Udf, string>();

  const udfName = (fn: Udf, wanted: string): string => {
    const known = udfNames.get(fn);
    if (known) return known;
    let candidate = wanted;
    for (let i = 2; udfs.has(candidate); i++) candidate = `${wanted}_${i}`;
    udfs.set(candidate, fn);
    udfNames.set(fn, candidate);
    return candidate;
  };

  const visit = (n: BuilderNode): string => {
    const known = ids.get(n);
    if (known) return known;
    const inputIds = n.inputs.map(visit);
    const label = n.op.kind === 'source' ? n.op.source.type : n.op.kind;
    const count = (perKind.get(label) ?? 0) + 1;
    perKind.set(label, count);
    const id = `${label}_${count}`;
    ids.set(n, id);
    const op = n.op;
    const wiring =
      op.kind === 'source'
        ? {}
        : op.kind === 'union'
          ? { inputs: inputIds }
          : op.kind === 'join'
            ? { left: inputIds[0], right: inputIds[1] }
            : op.kind === 'sideOutput'
              ? { of: inputIds[0] }
              : { input: inputIds[0] };
    const udf = op.kind === 'map' && n.udf ? { udf: udfName(n.udf, op.udf) } : {};
    nodes.push({ id, ...op, ...wiring, ...udf } as PlanNode);
    return id;
  };
  sinks.forEach(visit);
  return { plan: { version: planVersion, name, nodes, policies }, udfs };
}
