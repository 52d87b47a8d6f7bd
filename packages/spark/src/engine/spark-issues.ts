import {
  type Issue,
  type Plan,
  type PlanFacts,
  type PlanNode,
  type PlanVisitor,
  type Policy,
  upstreamNodes,
  visitNode,
} from '@pipekit/core';

interface Ctx {
  readonly facts: PlanFacts;
  readonly plan: Plan;
}

function at(
  ctx: Ctx,
  n: PlanNode,
  message: string,
  fix: string,
  path: (string | number)[] = [],
): Issue {
  return {
    path: ['nodes', ctx.facts.get(n.id)!.index, ...path],
    message: `Spark cannot run this: ${message}`,
    fix,
  };
}

function upstreamOf(id: string, facts: PlanFacts): PlanNode[] {
  return upstreamNodes(id, (i) => facts.get(i)?.node);
}

const streaming = (ctx: Ctx, n: PlanNode) => !ctx.facts.get(n.id)!.bounded;

function policyIssues(
  ctx: Ctx,
  n: PlanNode,
  policy: Policy | undefined,
  what: 'late rows' | 'bad records',
  path: (string | number)[],
): Issue[] {
  if (!policy || policy.type === 'drop' || policy.type === 'log') return [];
  const spark =
    what === 'late rows'
      ? 'Spark drops late rows and only counts them (numRowsDroppedByWatermark)'
      : 'Spark keeps a malformed record as a row of nulls (PERMISSIVE) and has no stream of bad records';
  return [
    at(
      ctx,
      n,
      `a '${policy.type}' policy for ${what}: ${spark}`,
      "use 'drop' or 'log', or run on the local engine",
      path,
    ),
  ];
}

/**
 * What Spark cannot do of a plan the local runtime runs, found before anything starts. Each issue
 * names the node, why, and what to do instead.
 */
const sparkChecks: PlanVisitor<Issue[], Ctx> = {
  source: (n, ctx) => {
    const issues = policyIssues(ctx, n, n.badRecords, 'bad records', ['badRecords']);
    const s = n.source;
    if (s.type === 'kinesis')
      issues.push(
        at(
          ctx,
          n,
          `a Kinesis source (stream '${s.streamName}'): Spark has no built-in Kinesis source (the Kinesis connectors are third-party jars the server would need)`,
          'bridge the stream to Kafka and read that topic, or run on the local engine',
          ['source'],
        ),
      );
    if (s.type === 'socket')
      issues.push(
        at(
          ctx,
          n,
          `a socket source (${s.host}:${s.port}): Spark's socket source reads on the server's host, keeps no offsets and is for tests only`,
          'run on the local engine (--engine local)',
          ['source'],
        ),
      );
    if (s.type === 'postgres' && s.incremental)
      issues.push(
        at(
          ctx,
          n,
          'an incremental (streaming) Postgres read: Spark has no streaming JDBC source',
          'read the table as a batch, or stream its changes through Kafka (CDC)',
          ['source', 'incremental'],
        ),
      );
    if (n.schema?.fields.some((f) => f.logical === 'epochMillis'))
      issues.push(
        at(
          ctx,
          n,
          'an event-time column of epoch milliseconds: Spark keeps event time in timestamp columns',
          'declare the column as a timestamp (z.coerce.date())',
          ['schema'],
        ),
      );
    return issues;
  },
  filter: () => [],
  select: () => [],
  withColumn: () => [],
  drop: () => [],
  map: (n, ctx) => [
    at(
      ctx,
      n,
      `map '${n.id}' runs a JavaScript function on each row`,
      'express it with select/withColumn (typed expressions or sql``), or run on the local engine',
    ),
  ],
  expect: (n, ctx) =>
    n.rules.flatMap((r, i) => {
      const mode = r.onFailure.type;
      if (mode === 'deadLetter' || mode === 'fail')
        return [
          at(
            ctx,
            n,
            `expectation '${r.name}' with onFailure '${mode}': Spark has no per-row ${mode === 'fail' ? 'failure that stops the query' : 'dead-letter output'} for a rule`,
            "use onFailure 'warn' or 'drop' (Spark filters the rows out), or run on the local engine",
            ['rules', i, 'onFailure'],
          ),
        ];
      if (mode === 'drop' && r.check.type === 'unique')
        return [
          at(
            ctx,
            n,
            `expectation '${r.name}' drops rows repeated within a micro-batch: Spark has no per-batch uniqueness check`,
            ".dedupe(...) the columns instead, use onFailure 'warn', or run on the local engine",
            ['rules', i],
          ),
        ];
      return [];
    }),
  union: () => [],
  hint: () => [],
  watermark: (n, ctx) =>
    n.idleTimeout === undefined
      ? []
      : [
          at(
            ctx,
            n,
            'an idle timeout on a watermark: Spark always waits for every input',
            'remove idleTimeout',
            ['idleTimeout'],
          ),
        ],
  dedupe: (n, ctx) => policyIssues(ctx, n, n.late, 'late rows', ['late']),
  aggregate: (n, ctx) => {
    const issues = policyIssues(ctx, n, n.late ?? ctx.plan.policies.late, 'late rows', ['late']);
    if (streaming(ctx, n)) {
      n.aggregates.forEach((a, i) => {
        if (a.fn === 'countDistinct')
          issues.push(
            at(
              ctx,
              n,
              `countDistinct('${a.column}') on a stream: Spark refuses distinct aggregations in streaming queries`,
              'aggregate a bounded read, or run on the local engine (exact countDistinct)',
              ['aggregates', i],
            ),
          );
      });
      if (n.stateTimeout !== undefined)
        issues.push(
          at(
            ctx,
            n,
            'a state timeout on a grouped aggregation: Spark keeps unwindowed group state until the query ends',
            'aggregate over a window with a watermark instead',
            ['stateTimeout'],
          ),
        );
    }
    return issues;
  },
  join: () => [],
  sideOutput: (n, ctx) => [
    at(
      ctx,
      n,
      n.output === 'late'
        ? 'a stream of late rows: Spark drops late rows'
        : 'a stream of bad records',
      "remove the side output (and use a 'drop' or 'log' policy), or run on the local engine",
    ),
  ],
  sink: (n, ctx) => {
    const issues: Issue[] = [];
    const s = n.sink;
    if (s.type === 'kinesis')
      issues.push(
        at(
          ctx,
          n,
          `a Kinesis sink (stream '${s.streamName}'): Spark has no built-in Kinesis sink`,
          'write to Kafka (and bridge the topic to Kinesis), or run on the local engine',
          ['sink'],
        ),
      );
    if (s.type === 'postgres' && streaming(ctx, n))
      issues.push(
        at(
          ctx,
          n,
          'a streaming Postgres sink: Spark writes JDBC only from batches (foreachBatch, a JVM or Python function)',
          'write the stream to Delta or Kafka (and load Postgres from there), or run on the local engine',
          ['sink'],
        ),
      );
    else if (s.type === 'postgres' && s.mode === 'upsert')
      issues.push(
        at(
          ctx,
          n,
          "an upsert into Postgres: Spark's JDBC writer only appends or overwrites",
          "use mode 'append' or 'overwrite', or run on the local engine",
          ['sink', 'mode'],
        ),
      );
    if (n.trigger.type === 'continuous') {
      const stateful = upstreamOf(n.input, ctx.facts).some((u) =>
        ['aggregate', 'dedupe', 'join'].includes(u.kind),
      );
      if (stateful)
        issues.push(
          at(
            ctx,
            n,
            'a continuous trigger on a query with state: Spark runs only map-like queries continuously',
            "use every('1 second') or another micro-batch trigger",
            ['trigger'],
          ),
        );
    }
    return issues;
  },
};

/** Everything in `plan` that Spark cannot run, with the path of the node and the way out. */
export function sparkIssues(plan: Plan, facts: PlanFacts): Issue[] {
  const ctx: Ctx = { facts, plan };
  const issues = plan.nodes.flatMap((n) => visitNode(sparkChecks, n, ctx));
  const bad = plan.policies.badRecords;
  if (bad.type !== 'drop' && bad.type !== 'log')
    issues.push({
      path: ['policies', 'badRecords'],
      message: `Spark cannot run this: a '${bad.type}' policy for bad records: Spark keeps a malformed record as a row of nulls`,
      fix: "use 'drop' or 'log', or run on the local engine",
    });
  return issues;
}
