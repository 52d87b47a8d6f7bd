import {
  type BuilderNode,
  type ExprOf,
  expectation,
  expr,
  type IssuePath,
  PipekitError,
  type Pipeline,
  type Plan,
  pipeline,
  type SinkSpec,
  sinks,
} from '@pipekit/core';
import { distinctAggregateNames } from './aggregate-names.js';
import type { Ctx } from './context.js';
import { inferredFields, rawKafkaColumns, usageOf } from './infer.js';
import { type Flow, inputsOf, type SinkKind, type SourceStep, type Step } from './ir.js';
import { joinForm } from './join-form.js';
import { type LooseStream, openSource } from './loose.js';
import { outputModeAlternatives, outputModeIssue, outputModeMessage } from './output-modes.js';
import { zodObject } from './zod-fields.js';

/** What the printer needs beyond the plan, keyed by plan node id. */
export interface Annotations {
  /** The zod constant's name for a source's schema, and whether the columns were inferred. */
  readonly schemas: ReadonlyMap<string, { readonly name: string; readonly inferred: boolean }>;
  /** Judgement calls made at a node, printed as comments. */
  readonly comments: ReadonlyMap<string, readonly string[]>;
  /** A filter's condition as the config wrote it. */
  readonly conditions: ReadonlyMap<string, string>;
  /** Sink nodes: what the config stated (printed even where it is the default) and a variable name. */
  readonly sinks: ReadonlyMap<
    string,
    { readonly explicit: readonly ('trigger' | 'outputMode')[]; readonly variable?: string }
  >;
  /** Where in the config each node came from. */
  readonly paths: ReadonlyMap<string, IssuePath>;
}

interface Note {
  schema?: { name: string; inferred: boolean };
  comments: string[];
  condition?: string;
  sink?: { explicit: ('trigger' | 'outputMode')[]; variable?: string };
  path: IssuePath;
}

type SinkFactory = (o: Record<string, unknown>) => SinkSpec;

/**
 * Calls the builders with a flow's steps, so the plan is exactly what the same calls in the
 * generated code give (ids, defaults and checks included).
 */
export function buildPlan(ctx: Ctx, flow: Flow): { plan: Plan; annotations: Annotations } {
  const streams = new Map<number, LooseStream>();
  const outputs: Pipeline[] = [];
  const notes = new Map<BuilderNode, Note>();
  const at = (ref: number): LooseStream => {
    const s = streams.get(ref);
    if (!s) throw new Error(`internal: step ${ref} has no stream`);
    return s;
  };
  const noted = (s: LooseStream, step: Step, extra: Partial<Note> = {}): LooseStream => {
    const named = step.name === undefined ? s : ctx.attempt(step.path, () => s.as(step.name!));
    notes.set(named.node, {
      comments: [...(step.comments ?? []), ...(extra.comments ?? [])],
      path: step.path,
      ...withoutComments(extra),
    });
    return named;
  };

  const buildStep = (step: Step, i: number): void => {
    switch (step.kind) {
      case 'source': {
        const { options, comments, schema } = sourceOptions(ctx, flow, i, step);
        if (again)
          comments.push(
            'Read again for a query of its own: its load has another trigger or checkpoint, as a separate Spark query had.',
          );
        const s = ctx.attempt(step.path, () => openSource(step.type, options));
        streams.set(i, noted(s, step, { comments, ...(schema ? { schema } : {}) }));
        return;
      }
      case 'filter': {
        const predicate = expr<boolean | null>(step.condition) as ExprOf<boolean | null>;
        const s = ctx.attempt(step.path, () => at(step.input).filter(predicate));
        streams.set(i, noted(s, step, { condition: step.text }));
        return;
      }
      case 'expect': {
        const rules = step.rules.map((r) =>
          expectation(r.name, r.check, { onFailure: r.onFailure }),
        );
        streams.set(
          i,
          noted(
            ctx.attempt(step.path, () => at(step.input).expect(...rules)),
            step,
          ),
        );
        return;
      }
      case 'watermark':
        streams.set(
          i,
          noted(
            ctx.attempt(step.path, () => at(step.input).watermark(step.column, step.delay)),
            step,
          ),
        );
        return;
      case 'aggregate': {
        const named = distinctAggregateNames(ctx, step);
        const s = ctx.attempt(step.path, () => {
          const input = at(step.input);
          const base = step.window
            ? input.window(
                step.window.spec,
                step.window.column === undefined ? {} : { column: step.window.column },
              )
            : input.groupBy(...step.keys);
          const grouped = step.window && step.keys.length > 0 ? base.groupBy(...step.keys) : base;
          const aggregates = Object.fromEntries(
            named.aggregates.map((a) => [a.name, { fn: a.fn, column: a.column }]),
          );
          return grouped.aggregate(aggregates, {
            ...(step.late ? { late: step.late } : {}),
            ...(step.stateTimeout === undefined ? {} : { stateTimeout: step.stateTimeout }),
          });
        });
        streams.set(i, noted(s, step));
        return;
      }
      case 'join': {
        const left = at(step.left);
        const right = at(step.right);
        const form = joinForm(ctx, flow, i, step, left.node, right.node);
        const [l, r] = form.swapped ? [right, left] : [left, right];
        const s = ctx.attempt(step.path, () =>
          l.join(r, {
            on: form.on,
            type: form.joinType,
            ...(form.lookup === undefined ? {} : { lookup: form.lookup }),
          }),
        );
        streams.set(i, noted(s, step, { comments: [...form.comments] }));
        return;
      }
      case 'hint': {
        const h = step.hint;
        const s = ctx.attempt(step.path, () => {
          const input = at(step.input);
          if (h.type === 'cache') return input.cache();
          if (h.type === 'coalesce') return input.coalesce(h.partitions);
          return input.repartition(h.partitions, ...h.columns);
        });
        streams.set(i, noted(s, step));
        return;
      }
      case 'lateRows':
        streams.set(
          i,
          noted(
            ctx.attempt(step.path, () => at(step.input).lateRows()),
            step,
          ),
        );
        return;
      case 'sink': {
        const { type, ...options } = step.sink;
        const factory = (sinks as unknown as Record<SinkKind, SinkFactory>)[type];
        const input = at(step.input);
        const spec = ctx.attempt(step.path, () => factory(options));
        let out: Pipeline;
        try {
          out = input.to(spec, { ...step.query });
        } catch (e) {
          const mode = outputModeIssue(e);
          if (mode && step.outputModePath && step.query.outputMode)
            ctx.fail(
              step.outputModePath,
              [
                outputModeMessage(e as PipekitError, mode),
                outputModeAlternatives(type, step.query.outputMode, mode),
              ]
                .filter((x) => x !== undefined)
                .join('. '),
            );
          // A plan check fails at a node before the sink: the error names that node's step.
          planError(ctx, e, [...numberNodes([input.node]).keys()], notes, step.path);
        }
        const explicit = (['trigger', 'outputMode'] as const).filter(
          (k) => step.query[k] !== undefined,
        );
        const sinkNode = out.sinkNodes[0]!;
        notes.set(sinkNode, {
          comments: [...(step.comments ?? [])],
          path: step.path,
          sink: { explicit, ...(step.variable === undefined ? {} : { variable: step.variable }) },
        });
        outputs.push(out);
        return;
      }
    }
  };

  // Each group of loads is one query: it gets its own copy of the steps it reads (as each Spark
  // query reads its sources on its own), so loads with different triggers never share a step.
  const groups = queryGroups(flow);
  let again = false;
  groups.forEach((group, g) => {
    streams.clear();
    again = g > 0;
    flow.steps.forEach((step, i) => {
      if (group.has(i) || (g === 0 && !groups.some((other) => other.has(i)))) buildStep(step, i);
    });
  });
  dedupeWarnings(ctx);

  if (outputs.length === 0) ctx.fail([], 'the config writes nowhere: it has no load/output');
  const whole = () =>
    pipeline(flow.name, outputs, {
      ...(flow.late ? { late: flow.late } : {}),
      ...(flow.badRecords ? { badRecords: flow.badRecords } : {}),
    });
  const order = numberNodes(outputs.flatMap((o) => o.sinkNodes));
  let built: Pipeline;
  try {
    built = whole();
  } catch (e) {
    planError(ctx, e, [...order.keys()], notes, []);
  }
  return { plan: built.plan, annotations: annotate(order, notes) };
}

/**
 * The steps of each query, by load. In the step-list dialect every load was a query of its own in
 * Spark, with its own trigger and checkpoint: loads that share steps but differ in trigger or
 * checkpoint become separate queries (one group each); loads that agree on both stay one query, a
 * fan-out that reads the input once. In the other dialects all loads of a config are one query
 * (the ETL late-data side output is written in the main query's micro-batches).
 */
function queryGroups(flow: Flow): Set<number>[] {
  const upstream = (i: number, into: Set<number>): Set<number> => {
    if (into.has(i)) return into;
    into.add(i);
    for (const r of inputsOf(flow.steps[i]!)) upstream(r, into);
    return into;
  };
  const byKey = new Map<string, Set<number>>();
  flow.steps.forEach((step, i) => {
    if (step.kind !== 'sink') return;
    const key =
      flow.dialect === 'steps'
        ? JSON.stringify([step.query.trigger ?? null, step.query.checkpoint ?? null])
        : '';
    byKey.set(key, upstream(i, byKey.get(key) ?? new Set()));
  });
  const groups = [...byKey.values()];
  return groups.length === 0 ? [new Set()] : groups;
}

/** A step built once per query reports its warnings once. */
function dedupeWarnings(ctx: Ctx): void {
  const seen = new Set<string>();
  const kept = ctx.warnings.filter((w) => {
    const key = JSON.stringify([w.kind, w.path, w.message]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  ctx.warnings.splice(0, ctx.warnings.length, ...kept);
}

/** A plan validation error at `nodes[i]`, reported at the config step that made node i. */
function planError(
  ctx: Ctx,
  e: unknown,
  nodes: readonly BuilderNode[],
  notes: ReadonlyMap<BuilderNode, Note>,
  fallback: IssuePath,
): never {
  if (!(e instanceof PipekitError)) throw e;
  const issue = e.issues[0];
  const index =
    issue?.path[0] === 'nodes' && typeof issue.path[1] === 'number' ? issue.path[1] : -1;
  const node = nodes[index];
  const where = node ? (notes.get(node)?.path ?? fallback) : fallback;
  return ctx.fail(
    where,
    issue ? `${issue.message}${issue.fix ? ` (${issue.fix})` : ''}` : e.message,
  );
}

function withoutComments(n: Partial<Note>): Partial<Note> {
  const { comments: _c, ...rest } = n;
  return rest;
}

function sourceOptions(ctx: Ctx, flow: Flow, index: number, step: SourceStep) {
  const options: Record<string, unknown> = { ...step.options };
  const comments: string[] = [];
  let fields = step.fields;
  let inferred = false;
  if (fields === null && step.inference !== 'never') {
    const usage = usageOf(flow, index);
    const used = [...usage.columns.keys()].filter((c) => c !== '');
    const raw =
      step.type === 'kafka' &&
      used.length > 0 &&
      used.every((c) => (rawKafkaColumns as readonly string[]).includes(c));
    if (raw && step.inference === 'records') {
      options.format = 'bytes';
      const meta = used.filter((c) => c !== 'value');
      if (meta.length > 0) options.includeColumns = meta;
      comments.push(
        `The config reads Kafka's raw ${used.map((c) => `\`${c}\``).join(', ')}, so records are read as bytes, not JSON.`,
      );
    } else if (
      (step.inference === 'records' && used.length > 0) ||
      (step.inference === 'whenTyped' && usage.typed)
    ) {
      fields = inferredFields(usage);
      inferred = true;
      ctx.check(
        step.path,
        `no schema is declared: the columns (${fields.map((f) => f.name).join(', ')}) and their types were inferred from how later steps use them; check them`,
      );
    }
  }
  if (fields !== null) options.schema = zodObject(fields);
  return {
    options,
    comments,
    schema: fields === null ? undefined : { name: step.schemaName, inferred },
  };
}

/** Plan ids as `finalize` gives them: inputs first, numbered per kind, each node once. */
export function numberNodes(sinkNodes: readonly BuilderNode[]): Map<BuilderNode, string> {
  const ids = new Map<BuilderNode, string>();
  const perKind = new Map<string, number>();
  const visit = (n: BuilderNode): void => {
    if (ids.has(n)) return;
    n.inputs.forEach(visit);
    const label = n.op.kind === 'source' ? n.op.source.type : n.op.kind;
    const count = (perKind.get(label) ?? 0) + 1;
    perKind.set(label, count);
    ids.set(n, `${label}_${count}`);
  };
  sinkNodes.forEach(visit);
  return ids;
}

function annotate(ids: Map<BuilderNode, string>, notes: Map<BuilderNode, Note>): Annotations {
  const schemas = new Map<string, { name: string; inferred: boolean }>();
  const comments = new Map<string, string[]>();
  const conditions = new Map<string, string>();
  const sinkNotes = new Map<
    string,
    { explicit: ('trigger' | 'outputMode')[]; variable?: string }
  >();
  const paths = new Map<string, IssuePath>();
  for (const [node, note] of notes) {
    const id = ids.get(node);
    if (id === undefined) continue;
    paths.set(id, note.path);
    if (note.schema) schemas.set(id, note.schema);
    if (note.comments.length > 0) comments.set(id, note.comments);
    if (note.condition !== undefined) conditions.set(id, note.condition);
    if (note.sink) sinkNotes.set(id, note.sink);
  }
  return { schemas, comments, conditions, sinks: sinkNotes, paths };
}
