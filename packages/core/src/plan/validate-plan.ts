import type { Issue } from '../errors/pipekit-error.js';
import type { Schema } from '../schema/data-type.js';
import { isBoundedSource } from './bounded.js';
import { checkNode } from './node-schema.js';
import type { Plan } from './plan.js';
import { nodeInputs, type PlanNode } from './plan-node.js';
import { sinkOutputModes } from './sinks/sink-spec.js';
import { upstreamNodes } from './upstream-nodes.js';

function upstreamOf(id: string, byId: ReadonlyMap<string, PlanNode>): PlanNode[] {
  return upstreamNodes(id, (i) => byId.get(i));
}

function isUnbounded(id: string, byId: ReadonlyMap<string, PlanNode>): boolean {
  return upstreamOf(id, byId).some((n) => n.kind === 'source' && !isBoundedSource(n.source));
}

/** Spark's rules for streaming queries, checked per sink (a bounded query is a batch job and has none). */
function streamingIssues(
  sink: PlanNode & { kind: 'sink' },
  at: number,
  byId: ReadonlyMap<string, PlanNode>,
): Issue[] {
  const issues: Issue[] = [];
  const up = upstreamOf(sink.input, byId);
  const aggregates = up.filter((n) => n.kind === 'aggregate');
  const path = ['nodes', at, 'outputMode'];
  if (sink.outputMode === 'complete' && aggregates.length === 0)
    issues.push({
      path,
      message: 'complete output mode needs an aggregation',
      fix: "use outputMode 'append'",
    });
  if (sink.outputMode === 'append') {
    for (const agg of aggregates) {
      const marks = upstreamOf(agg.input, byId).flatMap((n) =>
        n.kind === 'watermark' ? [n.column] : [],
      );
      const onTime =
        agg.window?.column !== undefined
          ? marks.includes(agg.window.column)
          : agg.keys.some((k) => marks.includes(k));
      if (!onTime)
        issues.push({
          path,
          message: `append output of aggregation '${agg.id}' needs a watermark on its event-time column, so a result is final when it is written`,
          fix: "add .watermark(column, delay) before the window, or use outputMode 'update' or 'complete'",
        });
    }
  }
  if (sink.outputMode === 'update')
    for (const agg of aggregates)
      if (agg.window?.type === 'session')
        issues.push({
          path,
          message: `update output of session-window aggregation '${agg.id}' is not supported (as in Spark): a session can merge with others and change its window`,
          fix: "use outputMode 'append' (with a watermark) or 'complete'",
        });
  for (const j of up) {
    if (j.kind !== 'join' || j.lookup !== undefined) continue;
    if (isUnbounded(j.left, byId) && isUnbounded(j.right, byId) && j.within === undefined)
      issues.push({
        path: ['nodes', [...byId.keys()].indexOf(j.id), 'within'],
        message: `stream–stream join '${j.id}' needs a time bound, or its state grows forever`,
        fix: "give within: '10 minutes' (with watermarks on both sides), or lookup: true for a static right side",
      });
  }
  return issues;
}

/**
 * What is wrong with a plan beyond its shape: dangling or forward references, columns that do not
 * exist, output modes a sink or a streaming query cannot take, side outputs without their policy.
 */
export function validatePlan(plan: Plan): Issue[] {
  const issues: Issue[] = [];
  const byId = new Map<string, PlanNode>();
  const schemas = new Map<string, Schema | null>();
  const readers = new Set<string>();

  plan.nodes.forEach((node, at) => {
    if (byId.has(node.id))
      issues.push({ path: ['nodes', at, 'id'], message: `id '${node.id}' is used twice` });
    const inputs = nodeInputs(node);
    inputs.forEach((i) => {
      readers.add(i);
      if (!byId.has(i))
        issues.push({
          path: ['nodes', at],
          message: `reads from '${i}', which is not a node before it`,
          fix: 'list every node after its inputs',
        });
      else if (byId.get(i)?.kind === 'sink')
        issues.push({
          path: ['nodes', at],
          message: `reads from sink '${i}'; a sink has no output`,
        });
    });
    byId.set(node.id, node);
    let inputSchemas = inputs.map((i) => schemas.get(i) ?? null);
    if (node.kind === 'sideOutput') {
      const of = byId.get(node.of);
      inputSchemas = [
        of && of.kind !== 'source' ? (schemas.get(nodeInputs(of)[0] ?? '') ?? null) : null,
      ];
      const policy =
        of?.kind === 'aggregate'
          ? of.late
          : of?.kind === 'source' || of?.kind === 'map'
            ? of.badRecords
            : undefined;
      const wantsKind =
        node.output === 'late'
          ? of?.kind === 'aggregate'
          : of?.kind === 'source' || of?.kind === 'map';
      if (of && (!wantsKind || policy?.type !== 'sideOutput'))
        issues.push({
          path: ['nodes', at, 'of'],
          message: `'${node.of}' has no ${node.output} side output (its policy must be 'sideOutput')`,
        });
    }
    const check = checkNode(node, inputSchemas);
    schemas.set(node.id, check.schema);
    for (const i of check.issues) issues.push({ ...i, path: ['nodes', at, ...i.path] });
    if (node.kind === 'sink') {
      const modes = sinkOutputModes[node.sink.type] as readonly string[];
      if (!modes.includes(node.outputMode))
        issues.push({
          path: ['nodes', at, 'outputMode'],
          message: `a ${node.sink.type} sink cannot take '${node.outputMode}'`,
          fix: `use ${modes.join(' or ')}`,
        });
      if (
        node.sink.type === 'postgres' &&
        node.outputMode === 'update' &&
        node.sink.mode !== 'upsert'
      )
        issues.push({
          path: ['nodes', at, 'sink', 'mode'],
          message: "update output to Postgres needs mode 'upsert' with key columns",
        });
      if (isUnbounded(node.input, byId)) issues.push(...streamingIssues(node, at, byId));
    }
  });
  if (!plan.nodes.some((n) => n.kind === 'sink'))
    issues.push({ path: ['nodes'], message: 'the plan has no sink' });
  plan.nodes.forEach((n, at) => {
    if (n.kind !== 'sink' && !readers.has(n.id))
      issues.push({ path: ['nodes', at], message: `'${n.id}' is read by nothing` });
  });
  return issues;
}
