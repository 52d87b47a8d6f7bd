import type { ExpectationRule, SinkSpec } from '@pipekit/core';

/** The rules of one expect step that send their failures to one dead-letter sink. */
export interface DeadLetterGroup {
  /** The group's number within its node: part of its writer's key and idempotency id. */
  readonly index: number;
  readonly sink: SinkSpec;
  /** Indexes into the node's rules. */
  readonly rules: readonly number[];
}

/**
 * Groups a step's `deadLetter` rules by sink (equal specs share one writer). One writer takes one
 * write per batch: a transactional sink keeps a batch id once per query id, so two writes of one
 * batch through one writer would lose the second.
 */
export function deadLetterGroups(rules: readonly ExpectationRule[]): DeadLetterGroup[] {
  const bySpec = new Map<string, { sink: SinkSpec; rules: number[] }>();
  rules.forEach((r, i) => {
    if (r.onFailure.type !== 'deadLetter') return;
    const key = JSON.stringify(r.onFailure.sink);
    const g = bySpec.get(key);
    if (g) g.rules.push(i);
    else bySpec.set(key, { sink: r.onFailure.sink, rules: [i] });
  });
  return [...bySpec.values()].map((g, index) => ({ index, ...g }));
}

/** The key of a group's writer among a query's dead-letter writers. */
export function expectationSinkKey(nodeId: string, group: number): string {
  return `expect:${nodeId}:${group}`;
}
