import type { Plan } from '@pipekit/core';

/** ` → delta ./data/x`: where a sink of the plan writes, for run summaries. */
export function sinkTarget(plan: Plan, id: string): string {
  const n = plan.nodes.find((x) => x.id === id);
  if (n?.kind !== 'sink') return '';
  const s = n.sink;
  if (s.type === 'console') return ' → the console';
  const target =
    'path' in s
      ? `${s.path}${'format' in s ? ` (${s.format})` : ''}`
      : s.type === 'memory'
        ? `'${s.name}'`
        : s.type === 'kafka'
          ? s.topic
          : s.table;
  return ` → ${s.type} ${target}`;
}
