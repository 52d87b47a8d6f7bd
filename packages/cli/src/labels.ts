import {
  formatDuration,
  nodeInputs,
  type Plan,
  type PlanNode,
  type PlanVisitor,
  type Policy,
  printSql,
  visitNode,
} from '@pipekit/core';

function policy(p: Policy): string {
  return p.type === 'deadLetter'
    ? `dead-letter → ${p.sink.type}`
    : p.type === 'sideOutput'
      ? 'side output'
      : p.type;
}

function clip(s: string, n = 48): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** A node as a picture's box says it: a title and a few lines of detail. */
const lines: PlanVisitor<string[], Plan> = {
  source: (n, plan) => {
    const s = n.source;
    const where =
      s.type === 'kafka'
        ? `topic ${s.topic ?? s.topics?.join(', ') ?? s.topicPattern}`
        : s.type === 'postgres'
          ? (s.table ?? 'query')
          : s.type === 'delta' || s.type === 'file'
            ? s.path
            : s.type === 'generate'
              ? `${s.limit?.toLocaleString('en-US') ?? '∞'} rows${s.rowsPerSecond ? ` @ ${s.rowsPerSecond}/s` : ''}`
              : s.type === 'kinesis'
                ? `stream ${s.streamName}`
                : s.type === 'socket'
                  ? `${s.host}:${s.port}`
                  : `${s.rows.length} rows`;
    return [
      `source: ${s.type}`,
      clip(where),
      `bad records: ${policy(n.badRecords ?? plan.policies.badRecords)}`,
    ];
  },
  filter: (n) => ['filter', clip(printSql(n.predicate))],
  select: (n) => ['select', clip(n.columns.map((c) => c.name).join(', '))],
  withColumn: (n) => ['withColumn', clip(`${n.column} = ${printSql(n.expr)}`)],
  drop: (n) => ['drop', clip(n.columns.join(', '))],
  map: (n) => ['map (UDF)', n.udf],
  union: () => ['union'],
  hint: (n) => ['hint', n.hint.type],
  watermark: (n) => ['watermark', `${n.column} − ${formatDuration(n.delay)}`],
  dedupe: (n) => ['dedupe', clip(n.columns.join(', '))],
  expect: (n) => [
    'expect',
    ...n.rules.slice(0, 4).map((r) => clip(`${r.name} → ${r.onFailure.type}`)),
    ...(n.rules.length > 4 ? [`+${n.rules.length - 4} more`] : []),
  ],
  aggregate: (n) => [
    'aggregate',
    ...(n.window ? [`${n.window.type} window on ${n.window.column}`] : []),
    ...(n.keys.length > 0 ? [clip(`by ${n.keys.join(', ')}`)] : []),
    ...n.aggregates.slice(0, 4).map((a) => clip(`${a.name} = ${a.fn}(${a.column ?? '*'})`)),
    ...(n.aggregates.length > 4 ? [`+${n.aggregates.length - 4} more`] : []),
  ],
  join: (n) => [`${n.joinType} join`, clip(`on ${n.on.left.join(', ')}`)],
  sideOutput: (n) => ['side output', n.output === 'late' ? 'late rows' : 'bad records'],
  sink: (n) => {
    const s = n.sink;
    const where =
      s.type === 'delta' || s.type === 'file'
        ? s.path
        : s.type === 'kafka'
          ? `topic ${s.topic}`
          : s.type === 'postgres'
            ? s.table
            : s.type === 'memory'
              ? s.name
              : s.type === 'kinesis'
                ? `stream ${s.streamName}`
                : 'stdout';
    const trigger =
      n.trigger.type === 'processingTime'
        ? `every ${formatDuration(n.trigger.interval)}`
        : n.trigger.type;
    return [
      `sink: ${s.type}${'format' in s ? ` (${s.format})` : 'mode' in s ? ` (${s.mode})` : ''}`,
      clip(where),
      `${n.outputMode}, ${trigger}`,
    ];
  },
};

/** The lines of a node's box, with the user's name for the stream first when it has one. */
export function nodeLines(n: PlanNode, plan: Plan): string[] {
  const body = visitNode(lines, n, plan);
  return n.name ? [`${n.name}`, ...body] : body;
}

export { nodeInputs };
