import {
  type AggregateNode,
  formatSqlIdentifier,
  type JoinNode,
  PipekitError,
  type PlanFacts,
  type PlanNode,
  type PlanVisitor,
  printSql,
  sideWatermark,
  upstreamWatermark,
  visitNode,
} from '@pipekit/core';
import {
  alias,
  aliased,
  type ExpressionInit,
  interval,
  type RelationInit,
  relation,
  sqlExpression,
} from './messages.js';
import type { SecretResolver } from './secrets.js';
import { deltaRelation } from './sources/delta.js';
import { fileRelation } from './sources/file.js';
import { generateRelation } from './sources/generate.js';
import { kafkaRelation } from './sources/kafka.js';
import { memoryRelation } from './sources/memory.js';
import { postgresRelation } from './sources/postgres.js';

const q = formatSqlIdentifier;

interface Ctx {
  readonly facts: PlanFacts;
  readonly secrets: SecretResolver;
  readonly input: (id: string) => RelationInit;
}

function fieldsOf(ctx: Ctx, id: string): string[] {
  const schema = ctx.facts.get(id)?.schema;
  if (!schema)
    throw new PipekitError('a plan cannot be lowered to Spark', [
      {
        path: ['nodes', ctx.facts.get(id)?.index ?? -1],
        message: `the columns of '${id}' are not known before the run`,
        fix: 'declare the source schema',
      },
    ]);
  return schema.fields.map((f) => f.name);
}

function aggregateSql(a: AggregateNode['aggregates'][number]): string {
  const c = a.column === undefined ? undefined : q(a.column);
  switch (a.fn) {
    case 'count':
      return c === undefined ? 'count(1)' : `count(${c})`;
    case 'countDistinct':
      return `count(DISTINCT ${c})`;
    case 'first':
    case 'last':
      return `${a.fn}(${c}, false)`;
    default:
      return `${a.fn}(${c})`;
  }
}

function windowSql(w: NonNullable<AggregateNode['window']>): string {
  const col = q(w.column);
  if (w.type === 'tumbling') return `window(${col}, '${interval(w.size)}')`;
  if (w.type === 'sliding') return `window(${col}, '${interval(w.size)}', '${interval(w.slide)}')`;
  return `session_window(${col}, '${interval(w.gap)}')`;
}

/** Group, aggregate, then the local runtime's columns: window_start, window_end, keys, aggregates. */
function aggregateRelation(n: AggregateNode, ctx: Ctx): RelationInit {
  const grouping: ExpressionInit[] = [
    ...(n.window ? [aliased(sqlExpression(windowSql(n.window)), '__window')] : []),
    ...n.keys.map((k) => sqlExpression(q(k))),
  ];
  const grouped = relation('aggregate', {
    input: ctx.input(n.input),
    groupType: 1, // GROUP_TYPE_GROUPBY
    groupingExpressions: grouping,
    aggregateExpressions: n.aggregates.map((a) => aliased(sqlExpression(aggregateSql(a)), a.name)),
  });
  if (!n.window) return grouped;
  return relation('project', {
    input: grouped,
    expressions: [
      aliased(sqlExpression('__window.start'), 'window_start'),
      aliased(sqlExpression('__window.end'), 'window_end'),
      ...[...n.keys, ...n.aggregates.map((a) => a.name)].map((c) => sqlExpression(q(c))),
    ],
  });
}

const joinTypes = { inner: 1, full: 2, left: 3, right: 4 } as const;

/**
 * An equi-join with the local runtime's columns: the left's, then the right's except its keys
 * (`<name>_right` where the left has the name); where only the right matched, the left keys take
 * the right's values, as a USING join. A stream–stream join also bounds the event times of the two
 * sides by `within`, on each side's watermark column, as Spark's time-interval joins need.
 */
function joinRelation(n: JoinNode, ctx: Ctx): RelationInit {
  const left = fieldsOf(ctx, n.left);
  const right = fieldsOf(ctx, n.right);
  const taken = new Set(left);
  const rightName = new Map<string, string>();
  right.forEach((f) => {
    const key = n.on.right.indexOf(f);
    rightName.set(f, key >= 0 ? `__rk${key}` : taken.has(f) ? `${f}_right` : f);
  });
  const rightRel = relation('project', {
    input: ctx.input(n.right),
    expressions: right.map((f) => aliased(sqlExpression(q(f)), rightName.get(f)!)),
  });
  const conditions = n.on.left.map((l, i) => `${q(l)} = __rk${i}`);
  if (n.within !== undefined) {
    const lw = sideWatermark(n.left, ctx.facts);
    const rw = sideWatermark(n.right, ctx.facts);
    if (lw && rw) {
      const r = q(rightName.get(rw.column) ?? rw.column);
      const span = `INTERVAL ${n.within} MILLISECONDS`;
      conditions.push(`${q(lw.column)} BETWEEN ${r} - ${span} AND ${r} + ${span}`);
    }
  }
  const joined = relation('join', {
    left: ctx.input(n.left),
    right: rightRel,
    joinType: joinTypes[n.joinType],
    joinCondition: sqlExpression(conditions.join(' AND ')),
  });
  const fromRight = n.joinType === 'right' || n.joinType === 'full';
  return relation('project', {
    input: joined,
    expressions: [
      ...left.map((f) => {
        const key = n.on.left.indexOf(f);
        return key >= 0 && fromRight
          ? aliased(sqlExpression(`coalesce(${q(f)}, __rk${key})`), f)
          : sqlExpression(q(f));
      }),
      ...right
        .filter((f) => !n.on.right.includes(f))
        .map((f) => sqlExpression(q(rightName.get(f)!))),
    ],
  });
}

function refused(n: PlanNode, ctx: Ctx, what: string): never {
  throw new PipekitError('a plan cannot be lowered to Spark', [
    { path: ['nodes', ctx.facts.get(n.id)?.index ?? -1], message: what },
  ]);
}

const lowering: PlanVisitor<RelationInit, Ctx> = {
  source: (n, ctx) => {
    const at = `nodes.${ctx.facts.get(n.id)!.index}.source`;
    const s = n.source;
    const streaming = !ctx.facts.get(n.id)!.bounded;
    switch (s.type) {
      case 'kafka':
        return kafkaRelation(s, n.schema, streaming, ctx.secrets, at);
      case 'delta':
        return deltaRelation(s, streaming);
      case 'file':
        return fileRelation(s, n.schema);
      case 'postgres':
        return postgresRelation(s, n.schema, ctx.secrets, at);
      case 'generate':
        return generateRelation(s);
      case 'memory':
        return memoryRelation(s, n.schema, at);
    }
  },
  filter: (n, ctx) =>
    relation('filter', {
      input: ctx.input(n.input),
      condition: sqlExpression(printSql(n.predicate)),
    }),
  select: (n, ctx) =>
    relation('project', {
      input: ctx.input(n.input),
      expressions: n.columns.map((c) => aliased(sqlExpression(printSql(c.expr)), c.name)),
    }),
  withColumn: (n, ctx) =>
    relation('withColumns', {
      input: ctx.input(n.input),
      aliases: [alias(sqlExpression(printSql(n.expr)), n.column)],
    }),
  drop: (n, ctx) => relation('drop', { input: ctx.input(n.input), columnNames: [...n.columns] }),
  map: (n, ctx) =>
    refused(n, ctx, `map '${n.udf}' runs a JavaScript function, which Spark cannot run`),
  union: (n, ctx) =>
    n.inputs
      .map((i) => ctx.input(i))
      .reduce((left, right) =>
        relation('setOp', {
          leftInput: left,
          rightInput: right,
          setOpType: 2, // SET_OP_TYPE_UNION
          isAll: true,
          byName: false,
        }),
      ),
  hint: (n, ctx) => {
    const input = ctx.input(n.input);
    const h = n.hint;
    // Spark cannot cache a stream, and a batch read once needs no cache: the hint changes nothing.
    if (h.type === 'cache') return input;
    if (h.type === 'coalesce')
      return relation('repartition', { input, numPartitions: h.partitions, shuffle: false });
    if (h.columns && h.columns.length > 0)
      return relation('repartitionByExpression', {
        input,
        numPartitions: h.partitions,
        partitionExprs: h.columns.map((c) => sqlExpression(q(c))),
      });
    return relation('repartition', { input, numPartitions: h.partitions, shuffle: true });
  },
  watermark: (n, ctx) =>
    relation('withWatermark', {
      input: ctx.input(n.input),
      eventTime: n.column,
      delayThreshold: interval(n.delay),
    }),
  dedupe: (n, ctx) => {
    const streaming = !ctx.facts.get(n.id)!.bounded;
    const within = streaming && upstreamWatermark(n.id, ctx.facts) !== null;
    return relation('deduplicate', {
      input: ctx.input(n.input),
      columnNames: [...n.columns],
      ...(within ? { withinWatermark: true } : {}),
    });
  },
  aggregate: aggregateRelation,
  join: joinRelation,
  sideOutput: (n, ctx) =>
    refused(n, ctx, `the ${n.output} side output of '${n.of}' has no Spark equivalent`),
  sink: (n, ctx) => refused(n, ctx, 'a sink is not a relation'),
};

/** Lowers every node to the Spark Connect relation of its output, each input lowered once. */
export function relationsOf(
  nodes: readonly PlanNode[],
  facts: PlanFacts,
  secrets: SecretResolver,
): ReadonlyMap<string, RelationInit> {
  const out = new Map<string, RelationInit>();
  const ctx: Ctx = {
    facts,
    secrets,
    input: (id) => {
      const r = out.get(id);
      if (!r) throw new Error(`internal: '${id}' is lowered after its reader`);
      return r;
    },
  };
  for (const n of nodes) {
    if (n.kind === 'sink') continue;
    out.set(n.id, visitNode(lowering, n, ctx));
  }
  return out;
}
