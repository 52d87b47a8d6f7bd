import {
  type Issue,
  PipekitError,
  type Plan,
  type PlanFacts,
  planFacts,
  planRuleIssues,
  type SinkNode,
  validatePlan,
} from '@pipekit/core';
import { relationsOf } from '../lower/lower-relations.js';
import { type SinkJob, sinkJob } from '../lower/lower-sinks.js';
import { envSecrets, type SecretResolver } from '../lower/secrets.js';
import { sparkIssues } from './spark-issues.js';

/** A plan made ready for Spark: one job per sink. */
export interface SparkPlan {
  readonly plan: Plan;
  readonly facts: PlanFacts;
  readonly jobs: readonly SinkJob[];
}

/**
 * Everything that keeps a plan from running on Spark: the checks every engine shares (the plan's
 * shape, columns, output modes, streaming rules) and Spark's own refusals. Empty when it can run.
 */
export function checkForSpark(plan: Plan): Issue[] {
  const facts = planFacts(plan);
  const issues = [
    ...validatePlan(plan),
    ...planRuleIssues(plan, facts),
    ...sparkIssues(plan, facts),
  ];
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path.join('.')}:${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function queryNameOf(sink: SinkNode, plan: Plan, sinks: readonly SinkNode[]): string {
  if (sink.queryName !== undefined) {
    const shared = sinks.filter((s) => s.queryName === sink.queryName).length > 1;
    return shared ? `${sink.queryName}.${sink.id}` : sink.queryName;
  }
  return sinks.length === 1 ? plan.name : `${plan.name}.${sink.id}`;
}

/**
 * Lowers a plan to Spark Connect messages, refusing before anything starts what Spark cannot run
 * (every issue at once, each with its node's path). Secrets are read here, for the options Spark's
 * connectors take; `secrets` replaces the environment (e.g. to print a plan without them).
 */
export function planForSpark(plan: Plan, secrets: SecretResolver = envSecrets): SparkPlan {
  const issues = checkForSpark(plan);
  if (issues.length > 0)
    throw new PipekitError(`pipeline '${plan.name}' cannot run on Spark`, issues);
  const facts = planFacts(plan);
  const relations = relationsOf(plan.nodes, facts, secrets);
  const sinks = plan.nodes.filter((n): n is SinkNode => n.kind === 'sink');
  const sharedCheckpoints = new Set(
    sinks
      .map((s) => s.checkpoint)
      .filter((c, i, all): c is string => c !== undefined && all.indexOf(c) !== i),
  );
  const jobs = sinks.map((s) => {
    const checkpoint =
      s.checkpoint === undefined
        ? undefined
        : sharedCheckpoints.has(s.checkpoint)
          ? `${s.checkpoint}/${s.id}`
          : s.checkpoint;
    return sinkJob(
      s,
      relations.get(s.input)!,
      facts,
      secrets,
      checkpoint,
      queryNameOf(s, plan, sinks),
    );
  });
  return { plan, facts, jobs };
}
