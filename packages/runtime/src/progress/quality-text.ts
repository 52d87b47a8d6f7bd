import type { CircuitProgress, ExpectationProgress } from './query-progress.js';

/**
 * `expectations failed 3 (12 total): notNull(user) 2 (10), between(amount, 0, 9) 1 (2)`: this
 * batch's and the run's failures, then per rule that ever failed (at most three, most failures
 * first); null when no rule has failed yet. For the progress line.
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

/**
 * `circuit orders open, opened 2×`: each sink whose circuit is not closed or has opened during the
 * run; null when every circuit stayed closed. For the progress line.
 */
export function circuitText(circuits: readonly CircuitProgress[]): string | null {
  const shown = circuits.filter((c) => c.state !== 'closed' || c.opened > 0);
  if (shown.length === 0) return null;
  return shown
    .map((c) => {
      const state = c.state === 'closed' ? '' : ` ${c.state === 'open' ? 'open' : 'half-open'},`;
      return `circuit ${c.name}${state} opened ${c.opened}×`;
    })
    .join(', ');
}
