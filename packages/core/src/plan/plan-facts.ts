import type { Schema } from '../schema/data-type.js';
import { isBoundedSource } from './bounded.js';
import { badRecordSchema, checkNode } from './node-schema.js';
import type { SinkNode } from './nodes/sink-node.js';
import type { AggregateNode, WatermarkNode } from './nodes/stateful-nodes.js';
import type { Plan } from './plan.js';
import { nodeInputs, type PlanNode } from './plan-node.js';

/** Facts about one node that every engine needs, worked out once before anything runs. */
export interface NodeFacts {
  readonly node: PlanNode;
  /** Its index in `plan.nodes`, for error paths. */
  readonly index: number;
  /** Its output columns, when known. */
  readonly schema: Schema | null;
  /** Whether every source upstream of it ends by itself. */
  readonly bounded: boolean;
  /** The nodes that read it. */
  readonly readers: readonly string[];
}

export type PlanFacts = ReadonlyMap<string, NodeFacts>;

/** Schemas, boundedness and readers of every node, in plan order. */
export function planFacts(plan: Plan): Map<string, NodeFacts> {
  const readers = new Map<string, string[]>();
  for (const n of plan.nodes)
    for (const i of nodeInputs(n)) readers.set(i, [...(readers.get(i) ?? []), n.id]);
  const facts = new Map<string, NodeFacts>();
  plan.nodes.forEach((node, index) => {
    const inputs = nodeInputs(node).map((i) => facts.get(i));
    let schema: Schema | null;
    if (node.kind === 'sideOutput') {
      // Late rows are the input rows of the node that found them late.
      const of = facts.get(node.of);
      const ofInput = of && of.node.kind !== 'source' ? nodeInputs(of.node)[0] : undefined;
      schema =
        node.output === 'badRecords'
          ? badRecordSchema
          : ((ofInput === undefined ? null : facts.get(ofInput)?.schema) ?? null);
    } else
      schema = checkNode(
        node,
        inputs.map((i) => i?.schema ?? null),
      ).schema;
    const bounded =
      node.kind === 'source'
        ? isBoundedSource(node.source)
        : inputs.every((i) => i?.bounded ?? true);
    facts.set(node.id, { node, index, schema, bounded, readers: readers.get(node.id) ?? [] });
  });
  return facts;
}

/** The nearest `watermark` node upstream of a node (itself excluded), on `column` when given. */
export function upstreamWatermark(
  id: string,
  facts: PlanFacts,
  column?: string,
): WatermarkNode | null {
  const seen = new Set<string>();
  const queue = nodeInputs(facts.get(id)!.node).slice();
  while (queue.length > 0) {
    const i = queue.shift()!;
    if (seen.has(i)) continue;
    seen.add(i);
    const n = facts.get(i)?.node;
    if (!n) continue;
    if (n.kind === 'watermark' && (column === undefined || n.column === column)) return n;
    queue.push(...nodeInputs(n));
  }
  return null;
}

/** The `watermark` node of one side of a join: the side itself or the nearest upstream of it. */
export function sideWatermark(id: string, facts: PlanFacts): WatermarkNode | null {
  const n = facts.get(id)?.node;
  if (n?.kind === 'watermark') return n;
  return n ? upstreamWatermark(id, facts) : null;
}

/**
 * The event-time column of an aggregation that carries a watermark: its window's column, or (no
 * window) a group key with a watermark on it, as Spark's rules. Null when there is none.
 */
export function eventTimeWatermark(
  n: AggregateNode,
  facts: PlanFacts,
): { column: string; node: WatermarkNode } | null {
  const columns = n.window ? [n.window.column] : n.keys;
  for (const column of columns) {
    const w = upstreamWatermark(n.id, facts, column);
    if (w) return { column, node: w };
  }
  return null;
}

/** The sinks downstream of a node's output (not of its side outputs, which carry other rows). */
export function downstreamSinks(id: string, facts: PlanFacts): SinkNode[] {
  const out: SinkNode[] = [];
  const seen = new Set<string>();
  const walk = (n: string) => {
    if (seen.has(n)) return;
    seen.add(n);
    const i = facts.get(n)!;
    if (i.node.kind === 'sink') out.push(i.node);
    for (const r of i.readers) if (facts.get(r)?.node.kind !== 'sideOutput') walk(r);
  };
  walk(id);
  return out;
}
