import type { ExpectationRule, Plan } from '@pipekit/core';
import type { ExpectationProgress } from '../progress/query-progress.js';

export type { ExpectationProgress } from '../progress/query-progress.js';

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
