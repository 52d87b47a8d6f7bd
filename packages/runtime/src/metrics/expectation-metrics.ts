import type { ExpectationRule, Plan } from '@pipekit/core';

/**
 * Counters of one expectation rule: rows that passed and failed it, in the batch in flight and
 * over the run. A row failing several rules is counted against each.
 */
export class RuleCounters {
  passed = 0;
  failed = 0;
  batchPassed = 0;
  batchFailed = 0;

  constructor(
    readonly node: string,
    readonly rule: string,
    readonly onFailure: ExpectationRule['onFailure']['type'],
  ) {}

  count(passed: number, failed: number): void {
    this.passed += passed;
    this.failed += failed;
    this.batchPassed += passed;
    this.batchFailed += failed;
  }

  resetBatch(): void {
    this.batchPassed = 0;
    this.batchFailed = 0;
  }
}

/** A rule in a progress report, the run summary and Prometheus. */
export interface ExpectationProgress {
  readonly node: string;
  readonly rule: string;
  readonly onFailure: ExpectationRule['onFailure']['type'];
  /** This batch. */
  readonly passed: number;
  readonly failed: number;
  /** The whole run. */
  readonly totalPassed: number;
  readonly totalFailed: number;
}

export function expectationProgress(c: RuleCounters): ExpectationProgress {
  return {
    node: c.node,
    rule: c.rule,
    onFailure: c.onFailure,
    passed: c.batchPassed,
    failed: c.batchFailed,
    totalPassed: c.passed,
    totalFailed: c.failed,
  };
}

/**
 * `expectations failed 3 (12 total): notNull(user) 2 (10), between(amount, 0, 9) 1 (2)`: this
 * batch's and the run's failures, then per rule that ever failed (at most three, most failures
 * first); nothing when no rule has failed yet. For the progress line.
 */
export function expectationText(rules: readonly ExpectationProgress[]): string | null {
  const failing = rules.filter((r) => r.totalFailed > 0);
  if (failing.length === 0) return null;
  const batch = rules.reduce((a, r) => a + r.failed, 0);
  const total = rules.reduce((a, r) => a + r.totalFailed, 0);
  const top = [...failing].sort((a, b) => b.totalFailed - a.totalFailed);
  const each = top.slice(0, 3).map((r) => `${r.rule} ${r.failed} (${r.totalFailed})`);
  const more = top.length > 3 ? [`+${top.length - 3} more`] : [];
  return `expectations failed ${batch} (${total} total): ${[...each, ...more].join(', ')}`;
}

/** Counters for every rule of every expect node of a plan, by node id. */
export function ruleCounters(plan: Plan): Map<string, RuleCounters[]> {
  const out = new Map<string, RuleCounters[]>();
  for (const n of plan.nodes)
    if (n.kind === 'expect')
      out.set(
        n.id,
        n.rules.map((r) => new RuleCounters(n.id, r.name, r.onFailure.type)),
      );
  return out;
}
