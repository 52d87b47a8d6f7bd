import {
  downstreamSinks,
  eventTimeWatermark,
  type Issue,
  type JoinNode,
  type NodeFacts,
  nodeInputs,
  PipekitError,
  type Plan,
  type PlanNode,
  type PlanVisitor,
  type Policy,
  planFacts,
  planRuleIssues,
  type SinkNode,
  type SourceNode,
  sideWatermark,
  type Trigger,
  type Udf,
  upstreamWatermark,
  visitNode,
} from '@pipekit/core';
import type { ConnectorRegistry } from '../connector.js';
import type { AggregateEmit } from '../operators/aggregate.js';
import { StreamingDedupe } from '../operators/dedupe.js';
import { GroupAggregate } from '../operators/group-aggregate.js';
import { IntervalJoin } from '../operators/interval-join.js';
import { SessionAggregate } from '../operators/session-aggregate.js';
import type { StatefulOperator } from '../operators/stateful-operator.js';
import { WindowAggregate } from '../operators/window-aggregate.js';
import type { Stateful } from '../state/stateful.js';
import { EventTimeClock, type WatermarkInput } from './event-time.js';

/** What the runtime runs: a plan and the functions its `map` nodes name. */
export interface RunnablePipeline {
  readonly plan: Plan;
  readonly udfs: ReadonlyMap<string, Udf>;
}

/** Facts about one node, worked out once before anything runs (the engine-neutral ones of core). */
export type NodeInfo = NodeFacts;

/**
 * A query: the sinks that share steps, with everything upstream of them. Its nodes run in one
 * micro-batch loop with one trigger; queries with nothing in common run side by side.
 */
export interface QueryPlan {
  readonly id: string;
  /** Plan order: every input before its readers. */
  readonly nodes: readonly PlanNode[];
  readonly sources: readonly SourceNode[];
  readonly sinks: readonly SinkNode[];
  readonly trigger: Trigger;
  /** Its event-time clock: the watermark, advanced between batches. */
  readonly eventTime: EventTimeClock;
  /** Streaming stateful operators by node id (windowed and grouped aggregates, dedupe). */
  readonly operators: ReadonlyMap<string, StatefulOperator>;
  /** The trackers of its `watermark` nodes by node id. */
  readonly watermarks: ReadonlyMap<string, WatermarkInput>;
  /** Stream–stream (interval) joins by node id. */
  readonly joins: ReadonlyMap<string, IntervalJoin>;
  /** Everything whose state a checkpoint keeps: the operators, joins and watermark trackers. */
  readonly stateful: readonly Stateful[];
}

export interface CompiledPipeline {
  readonly plan: Plan;
  readonly udfs: ReadonlyMap<string, Udf>;
  readonly info: ReadonlyMap<string, NodeInfo>;
  readonly queries: readonly QueryPlan[];
  readonly aggregateEmit: ReadonlyMap<string, AggregateEmit>;
}

interface CheckCtx {
  readonly info: NodeInfo;
  readonly pipeline: RunnablePipeline;
  readonly infos: ReadonlyMap<string, NodeInfo>;
  readonly registry: ConnectorRegistry | undefined;
  readonly emit: Map<string, AggregateEmit>;
}

function notSupported(ctx: CheckCtx, what: string, path: (string | number)[] = []): Issue[] {
  return [{ path: ['nodes', ctx.info.index, ...path], message: `not supported yet: ${what}` }];
}

function sinkIssues(ctx: CheckCtx, type: string, path: (string | number)[]): Issue[] {
  if (!ctx.registry || ctx.registry.hasSink(type)) return [];
  return [
    {
      path: ['nodes', ctx.info.index, ...path],
      message: `no connector for sink type '${type}'`,
      fix: installFix(type),
    },
  ];
}

function installFix(type: string): string {
  const pkgs: Record<string, string> = {
    kafka: '@pipekit/kafka',
    postgres: '@pipekit/postgres',
    delta: '@pipekit/delta',
  };
  const pkg = pkgs[type];
  return pkg ? `install ${pkg} (npm install ${pkg})` : 'register a connector for it';
}

function policyIssues(
  ctx: CheckCtx,
  policy: Policy | undefined,
  path: (string | number)[],
): Issue[] {
  return policy?.type === 'deadLetter' ? sinkIssues(ctx, policy.sink.type, [...path, 'sink']) : [];
}

/** What the runtime can run of each node kind; everything else is refused before anything runs. */
const check: PlanVisitor<Issue[], CheckCtx> = {
  source: (n, ctx) => {
    const issues = policyIssues(ctx, n.badRecords, ['badRecords']);
    if (ctx.registry && !ctx.registry.hasSource(n.source.type))
      issues.push({
        path: ['nodes', ctx.info.index, 'source', 'type'],
        message: `no connector for source type '${n.source.type}'`,
        fix: installFix(n.source.type),
      });
    return issues;
  },
  filter: () => [],
  select: () => [],
  withColumn: () => [],
  drop: () => [],
  map: (n, ctx) => {
    const issues = policyIssues(ctx, n.badRecords, ['badRecords']);
    if (!ctx.pipeline.udfs.has(n.udf))
      issues.push({
        path: ['nodes', ctx.info.index, 'udf'],
        message: `the function '${n.udf}' is not in the pipeline's UDF table`,
        fix: 'a map node runs a local JavaScript function: run the pipeline from its .ts file, not from plan JSON',
      });
    return issues;
  },
  union: () => [],
  hint: () => [],
  watermark: () => [],
  dedupe: () => [],
  aggregate: (n, ctx) => {
    if (ctx.info.bounded) {
      ctx.emit.set(n.id, 'final');
      return [];
    }
    const modes = new Set(downstreamSinks(n.id, ctx.infos).map((s) => s.outputMode));
    const [mode] = modes;
    if (modes.size !== 1 || mode === undefined)
      return notSupported(
        ctx,
        `an aggregation on an unbounded stream written in ${[...modes].join(' and ')} mode (one output mode per aggregation)`,
      );
    // Append without a watermark is refused by the engine-neutral rules (planRuleIssues).
    ctx.emit.set(n.id, mode);
    return [];
  },
  join: (n, ctx) => {
    // The other join rules hold on every engine (planRuleIssues); this one is the runtime's own.
    const streams = !ctx.infos.get(n.left)!.bounded && !ctx.infos.get(n.right)!.bounded;
    if (streams && n.within !== undefined && (n.joinType === 'right' || n.joinType === 'full'))
      return notSupported(ctx, `${n.joinType} outer stream–stream joins`, ['joinType']);
    return [];
  },
  sideOutput: () => [],
  sink: (n, ctx) => [...sinkIssues(ctx, n.sink.type, ['sink', 'type'])],
};

/**
 * The state of a streaming query's stateful nodes, made once per compile: the event-time clock
 * with a tracker per `watermark` node, and an operator per unbounded aggregate and dedupe. Bounded
 * inputs need none (their aggregates emit once at the end; every row is on time).
 */
function statefulOperators(
  nodes: readonly PlanNode[],
  infos: ReadonlyMap<string, NodeInfo>,
  emit: ReadonlyMap<string, AggregateEmit>,
): Pick<QueryPlan, 'eventTime' | 'operators' | 'watermarks' | 'joins' | 'stateful'> {
  const eventTime = new EventTimeClock();
  const operators = new Map<string, StatefulOperator>();
  const watermarks = new Map<string, WatermarkInput>();
  const joins = new Map<string, IntervalJoin>();
  for (const n of nodes) {
    if (n.kind === 'watermark') watermarks.set(n.id, eventTime.input(n.id, n.delay, n.idleTimeout));
    else if (n.kind === 'aggregate') {
      const mode = emit.get(n.id);
      if (mode === undefined || mode === 'final') continue;
      const on = eventTimeWatermark(n, infos);
      const wm = on ? eventTime : null;
      if (on && mode !== 'complete') eventTime.addConsumer();
      const w = n.window;
      const op =
        w === undefined
          ? new GroupAggregate(n.id, n, mode, on ? { column: on.column, wm: eventTime } : null)
          : w.type === 'session'
            ? new SessionAggregate(n.id, { ...n, window: w }, mode, wm)
            : new WindowAggregate(n.id, { ...n, window: w }, mode, wm);
      operators.set(n.id, op);
    } else if (n.kind === 'join' && n.within !== undefined && !infos.get(n.left)!.bounded) {
      const join = intervalJoinOf(n, infos, watermarks);
      if (join) {
        eventTime.addConsumer();
        joins.set(n.id, join);
      }
    } else if (n.kind === 'dedupe' && !infos.get(n.id)!.bounded) {
      const w = upstreamWatermark(n.id, infos);
      if (w) eventTime.addConsumer();
      operators.set(
        n.id,
        new StreamingDedupe(
          n.id,
          n.columns,
          w ? { column: w.column, delay: w.delay, wm: eventTime } : null,
        ),
      );
    }
  }
  return {
    eventTime,
    operators,
    watermarks,
    joins,
    stateful: [...watermarks.values(), ...operators.values(), ...joins.values()],
  };
}

/** A stream–stream join's state, each side timed by its watermark node; null when one has none. */
function intervalJoinOf(
  n: JoinNode,
  infos: ReadonlyMap<string, NodeInfo>,
  trackers: ReadonlyMap<string, WatermarkInput>,
): IntervalJoin | null {
  const side = (id: string) => {
    const w = sideWatermark(id, infos);
    const t = w ? trackers.get(w.id) : undefined;
    if (!w || !t) return null;
    return {
      column: w.column,
      watermark: () => (t.max === null ? Number.NEGATIVE_INFINITY : t.max - t.delay),
    };
  };
  const left = side(n.left);
  const right = side(n.right);
  if (!left || !right) return null;
  const names = (id: string) => infos.get(id)?.schema?.fields.map((f) => f.name) ?? null;
  return new IntervalJoin(n.id, n, { left: names(n.left), right: names(n.right) }, left, right);
}

/** Groups the nodes into queries: sinks that share a step (transitively) form one. */
function queriesOf(
  plan: Plan,
  infos: ReadonlyMap<string, NodeInfo>,
  emit: ReadonlyMap<string, AggregateEmit>,
  issues: Issue[],
): QueryPlan[] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    const p = parent.get(x) ?? x;
    if (p === x) return x;
    const r = find(p);
    parent.set(x, r);
    return r;
  };
  for (const n of plan.nodes) for (const i of nodeInputs(n)) parent.set(find(n.id), find(i));
  const groups = new Map<string, PlanNode[]>();
  for (const n of plan.nodes) {
    const root = find(n.id);
    groups.set(root, [...(groups.get(root) ?? []), n]);
  }
  const queries: QueryPlan[] = [];
  let q = 0;
  for (const nodes of groups.values()) {
    const sinks = nodes.filter((n): n is SinkNode => n.kind === 'sink');
    if (sinks.length === 0) continue;
    const first = sinks[0]!;
    const other = sinks.find((s) => JSON.stringify(s.trigger) !== JSON.stringify(first.trigger));
    if (other)
      issues.push({
        path: ['nodes', infos.get(other.id)!.index, 'trigger'],
        message: `not supported yet: sinks that share steps with different triggers ('${first.id}' and '${other.id}')`,
        fix: 'give them the same trigger',
      });
    const id =
      first.queryName ??
      (sinks.length === 1 && groups.size === 1 ? plan.name : `${plan.name}.${q}`);
    q++;
    queries.push({
      id,
      nodes,
      sources: nodes.filter((n): n is SourceNode => n.kind === 'source'),
      sinks,
      trigger: first.trigger,
      ...statefulOperators(nodes, infos, emit),
    });
  }
  return queries;
}

/**
 * Checks that the runtime can run a pipeline, and works out how: schemas, boundedness, queries,
 * how each aggregate emits. Node kinds it cannot run yet are refused here with their path
 * (`nodes[3].window: not supported yet: ...`), never run wrongly.
 *
 * @param registry when given, also checks every source and sink type has a connector.
 * @throws PipekitError listing every problem.
 */
export function compilePlan(
  pipeline: RunnablePipeline,
  registry?: ConnectorRegistry,
): CompiledPipeline {
  const { plan } = pipeline;
  const infos = planFacts(plan);
  const issues: Issue[] = [...planRuleIssues(plan, infos)];
  const emit = new Map<string, AggregateEmit>();
  for (const node of plan.nodes) {
    const info = infos.get(node.id)!;
    issues.push(...visitNode(check, node, { info, pipeline, infos, registry, emit }));
  }
  issues.push(
    ...policyIssues(
      { info: { index: -1 } as NodeInfo, pipeline, infos, registry, emit },
      plan.policies.badRecords,
      [],
    ).map((i) => ({ ...i, path: ['policies', 'badRecords', 'sink'] })),
  );
  const queries = queriesOf(plan, infos, emit, issues);
  if (issues.length > 0) throw new PipekitError(`pipeline '${plan.name}' cannot run`, issues);
  return { plan, udfs: pipeline.udfs, info: infos, queries, aggregateEmit: emit };
}
