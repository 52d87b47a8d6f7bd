import { formatDuration } from '../duration/duration.js';
import { printSql } from '../expr/sql-printer.js';
import type { ExpectationRule } from '../plan/nodes/expect-node.js';
import type { Plan } from '../plan/plan.js';
import type { PlanNode, PlanVisitor } from '../plan/plan-node.js';
import { nodeInputs, visitNode } from '../plan/plan-node.js';
import type { Policy } from '../plan/policy.js';
import type { Trigger } from '../plan/trigger.js';

function policyText(p: Policy): string {
  return p.type === 'deadLetter'
    ? `dead-letter to ${p.sink.type}`
    : p.type === 'sideOutput'
      ? 'side output'
      : p.type;
}

/** `amount is positive: amount > 0 → drop`; the SQL is left out when the name already is it. */
function ruleText(r: ExpectationRule): string {
  const check =
    r.check.type === 'unique'
      ? `unique per batch (${r.check.columns.join(', ')})`
      : printSql(r.check.predicate);
  const mode =
    r.onFailure.type === 'deadLetter'
      ? `dead-letter to ${r.onFailure.sink.type}`
      : r.onFailure.type;
  return `${r.name}${r.name === check ? '' : `: ${check}`} → ${mode}`;
}

function triggerText(t: Trigger): string {
  switch (t.type) {
    case 'processingTime':
      return `every ${formatDuration(t.interval)}`;
    case 'continuous':
      return 'continuous';
    default:
      return t.type;
  }
}

/** One line of text per node kind: what the node does, as a person would say it. */
const label: PlanVisitor<string, Plan> = {
  source: (n, plan) => {
    const s = n.source;
    const where =
      s.type === 'kafka'
        ? `kafka ${s.topic ?? s.topics?.join(', ') ?? `/${s.topicPattern}/`}`
        : s.type === 'postgres'
          ? `postgres ${s.table ?? 'query'}`
          : s.type === 'delta' || s.type === 'file'
            ? `${s.type} ${s.path}`
            : s.type === 'generate'
              ? `generate ${s.limit ?? '∞'} rows`
              : s.type === 'kinesis'
                ? `kinesis ${s.streamName}`
                : s.type === 'socket'
                  ? `socket ${s.host}:${s.port}`
                  : `memory ${s.rows.length} rows`;
    return `${where}<br/>bad records: ${policyText(n.badRecords ?? plan.policies.badRecords)}`;
  },
  filter: (n) => `filter ${printSql(n.predicate)}`,
  select: (n) =>
    `select ${n.columns.map((c) => (c.expr.kind === 'column' && c.expr.name === c.name ? c.name : `${printSql(c.expr)} AS ${c.name}`)).join(', ')}`,
  withColumn: (n) => `withColumn ${n.column} = ${printSql(n.expr)}`,
  drop: (n) => `drop ${n.columns.join(', ')}`,
  map: (n) => `map UDF ${n.udf} (local only)`,
  union: () => 'union',
  hint: (n) => (n.hint.type === 'cache' ? 'cache' : `${n.hint.type}(${n.hint.partitions})`),
  watermark: (n) => `watermark ${n.column} − ${formatDuration(n.delay)}`,
  dedupe: (n) => `dedupe ${n.columns.join(', ')}`,
  expect: (n) => `expect<br/>${n.rules.map(ruleText).join('<br/>')}`,
  aggregate: (n, plan) => {
    const w = n.window;
    const win = !w
      ? ''
      : w.type === 'tumbling'
        ? `tumbling ${formatDuration(w.size)} on ${w.column}<br/>`
        : w.type === 'sliding'
          ? `sliding ${formatDuration(w.size)} every ${formatDuration(w.slide)} on ${w.column}<br/>`
          : `session gap ${formatDuration(w.gap)} on ${w.column}<br/>`;
    const keys = n.keys.length > 0 ? `group by ${n.keys.join(', ')}<br/>` : '';
    const aggs = n.aggregates.map((a) => `${a.name} = ${a.fn}(${a.column ?? '*'})`).join(', ');
    return `${win}${keys}${aggs}${w ? `<br/>late: ${policyText(n.late ?? plan.policies.late)}` : ''}`;
  },
  join: (n) =>
    `${n.joinType} join on ${n.on.left.map((l, i) => (l === n.on.right[i] ? l : `${l} = ${n.on.right[i]}`)).join(', ')}${n.within ? ` within ${formatDuration(n.within)}` : ''}${n.lookup ? ' (lookup)' : ''}`,
  sideOutput: (n) => `${n.output === 'late' ? 'late rows' : 'bad records'} of ${n.of}`,
  sink: (n) => {
    const s = n.sink;
    const where =
      s.type === 'delta' || s.type === 'file'
        ? `${s.type} ${s.path}`
        : s.type === 'kafka'
          ? `kafka ${s.topic}`
          : s.type === 'postgres'
            ? `postgres ${s.table} (${s.mode})`
            : s.type === 'memory'
              ? `memory ${s.name}`
              : s.type === 'kinesis'
                ? `kinesis ${s.streamName}`
                : 'console';
    return `${where}<br/>${n.outputMode}, ${triggerText(n.trigger)}${n.checkpoint ? `<br/>checkpoint ${n.checkpoint}` : ''}`;
  },
};

function escapeLabel(text: string): string {
  return text.replace(/"/g, '#quot;');
}

function shape(n: PlanNode, text: string): string {
  if (n.kind === 'source') return `[("${text}")]`;
  if (n.kind === 'sink') return `[/"${text}"/]`;
  return `["${text}"]`;
}

/** The plan as a Mermaid flowchart: sources, operators, sinks, and the policies in force. */
export function explain(plan: Plan): string {
  const lines = [
    `flowchart LR`,
    `  %% pipeline ${plan.name}: late rows → ${policyText(plan.policies.late)}; bad records → ${policyText(plan.policies.badRecords)}`,
  ];
  for (const n of plan.nodes) {
    const name = n.name ? `<b>${n.name}</b><br/>` : '';
    lines.push(`  ${n.id}${shape(n, escapeLabel(name + visitNode(label, n, plan)))}`);
  }
  for (const n of plan.nodes) {
    for (const i of nodeInputs(n))
      lines.push(
        n.kind === 'sideOutput' ? `  ${i} -. ${n.output} .-> ${n.id}` : `  ${i} --> ${n.id}`,
      );
  }
  return `${lines.join('\n')}\n`;
}
