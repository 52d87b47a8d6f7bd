import { formatIssues, PipekitError, type Plan } from '@pipekit/core';
import { compilePlan } from '@pipekit/runtime';

/**
 * What `pipe validate` and then `pipe run` would refuse in a converted plan, as text (empty when
 * none): the runtime's checks (joins, triggers of sinks that share steps, node kinds) and the rule
 * that the sinks of one query share one checkpoint directory.
 */
export function runtimeProblems(plan: Plan): string {
  let compiled: ReturnType<typeof compilePlan>;
  try {
    compiled = compilePlan({ plan, udfs: new Map() });
  } catch (e) {
    if (e instanceof PipekitError) return formatIssues(e.issues) || e.message;
    throw e;
  }
  const problems: string[] = [];
  for (const q of compiled.queries) {
    const dirs = new Set(
      q.sinks.flatMap((s) => (s.checkpoint === undefined ? [] : [s.checkpoint])),
    );
    if (dirs.size > 1)
      problems.push(`query '${q.id}' has several checkpoints: ${[...dirs].join(', ')}`);
  }
  return problems.join('\n');
}
