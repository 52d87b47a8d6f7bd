import { isDeepStrictEqual } from 'node:util';
import {
  nodeInputs,
  type Plan,
  type PlanNode,
  type PlanNodeOf,
  type PlanVisitor,
  visitNode,
} from '@pipekit/core';
import type { Annotations } from '../convert/build.js';
import { NameScope, typeName, variableName } from '../convert/names.js';
import { fieldCode } from '../convert/zod-fields.js';
import { type Chain, chainAt, chainEmit, type Segment, segment } from './chain.js';
import { Code, callEmit, importsOf, valueEmit } from './code.js';
import { ConditionPrinter, type PrintNote } from './conditions.js';
import {
  array,
  bracketed,
  call,
  dotCall,
  dotted,
  type Emit,
  lineWidth,
  object,
  str,
  textOf,
  token,
} from './emit.js';
import { nodeSegments } from './node-segments.js';
import { PlanFacts } from './plan-facts.js';
import { policyValue, sourceOptions } from './specs.js';
import type { TopStatement } from './statements.js';

/**
 * Stage two: a plan as builder code. A visitor over plan nodes writes each node as the builder
 * call that makes it; streams read by several steps, named streams and join sides become
 * variables; everything else is one fluent chain per sink.
 */
export class PlanPrinter {
  private readonly facts: PlanFacts;
  private readonly conditions: ConditionPrinter;
  private readonly visitor: PlanVisitor<Segment[]>;
  private readonly vars = new Map<string, string>();
  private readonly schemaConsts = new Map<string, string>();
  private readonly scope = new NameScope(['source', 'pipeline', 'sinks', 'secret', 'z', 'r']);
  readonly imports = new Set<string>();
  readonly notes: PrintNote[] = [];
  readonly statements: TopStatement[] = [];
  usesZod = false;

  constructor(
    private readonly plan: Plan,
    private readonly annotations: Annotations,
  ) {
    this.facts = new PlanFacts(plan);
    this.conditions = new ConditionPrinter(this.facts, annotations, this.imports, this.notes);
    this.visitor = nodeSegments({
      facts: this.facts,
      annotations,
      imports: this.imports,
      conditions: this.conditions,
      refCode: (id) => this.refCode(id),
    });
  }

  /** The file's statements after the imports. */
  print(): TopStatement[] {
    for (const n of this.plan.nodes) if (n.kind === 'source') this.schemaConst(n);
    for (const n of this.plan.nodes) {
      if (!this.needsVariable(n)) continue;
      const name = this.scope.claim(this.variableFor(n));
      const chain = this.chain(n.id);
      this.statements.push({
        kind: 'const',
        name,
        comments: chain.leading,
        initializer: chainEmit(chain),
      });
      this.vars.set(n.id, name);
    }
    const sinkIds = this.plan.nodes.filter((n) => n.kind === 'sink').map((n) => n.id);
    const policies = this.policyOptions();
    const first = this.facts.byId.get(sinkIds[0] ?? '') as PlanNodeOf<'sink'> | undefined;
    const plain =
      sinkIds.length === 1 &&
      first &&
      !this.vars.has(first.id) &&
      this.plan.name === (first.queryName ?? 'pipeline') &&
      policies === null;
    if (plain) {
      const chain = this.chain(first.id);
      this.statements.push({
        kind: 'exportDefault',
        comments: chain.leading,
        expression: chainEmit(chain),
      });
      return this.statements;
    }
    this.imports.add('pipeline');
    const items = sinkIds.map((id): Emit => {
      const v = this.vars.get(id);
      if (v) return token(v);
      const chain = this.chain(id);
      const [first, ...rest] = chain.segments;
      const inline: Chain = first
        ? {
            ...chain,
            segments: [{ ...first, comments: [...chain.leading, ...first.comments] }, ...rest],
            leading: [],
          }
        : chain;
      return chainEmit(inline);
    });
    const rest = policies ? [valueEmit(policies)] : [];
    const flat = call('pipeline', [str(this.plan.name), array(items), ...rest]);
    const text = textOf(flat);
    this.statements.push({
      kind: 'exportDefault',
      comments: [],
      expression:
        !text.includes('\n') && `export default ${text};`.length <= lineWidth
          ? flat
          : (w) => {
              // One sink a line, at the indentation Biome gives them (comments wrap to it).
              w.write('pipeline(');
              str(this.plan.name)(w);
              w.write(', ');
              bracketed('[', ']', items, true)(w);
              for (const r of rest) {
                w.write(', ');
                r(w);
              }
              w.write(')');
            },
    });
    return this.statements;
  }

  private policyOptions(): Record<string, unknown> | null {
    const p = this.plan.policies;
    const out: Record<string, unknown> = {};
    if (p.late.type !== 'log') out.late = policyValue(p.late);
    if (p.badRecords.type !== 'log') out.badRecords = policyValue(p.badRecords);
    importsOf(out, this.imports);
    return Object.keys(out).length > 0 ? out : null;
  }

  private needsVariable(n: PlanNode): boolean {
    if (n.kind === 'sink') return this.annotations.sinks.get(n.id)?.variable !== undefined;
    const readers = this.facts.readers.get(n.id) ?? [];
    if (readers.length > 1 || n.name !== undefined) return true;
    return readers.some((r) => {
      const reader = this.facts.byId.get(r);
      return (
        (reader?.kind === 'join' && reader.right === n.id) ||
        (reader?.kind === 'union' && reader.inputs.indexOf(n.id) > 0)
      );
    });
  }

  private variableFor(n: PlanNode): string {
    if (n.kind === 'sink')
      return variableName(this.annotations.sinks.get(n.id)?.variable ?? 'query');
    if (n.name !== undefined) return variableName(n.name);
    if (n.kind === 'source')
      return variableName(`${this.schemaConsts.get(n.id) ?? n.source.type}s`);
    const readers = this.facts.readers.get(n.id) ?? [];
    if (readers.every((r) => this.facts.byId.get(r)?.kind === 'sink')) return 'output';
    return n.kind === 'aggregate' ? 'aggregated' : n.kind === 'join' ? 'joined' : 'stream';
  }

  private schemaConst(n: PlanNodeOf<'source'>): void {
    const fields = this.facts.declaredFields(n);
    if (!fields) return;
    const note = this.annotations.schemas.get(n.id);
    // A source read again by another query has the same columns: it reuses their constant.
    const same = this.plan.nodes.find(
      (o): o is PlanNodeOf<'source'> =>
        o.kind === 'source' &&
        this.schemaConsts.has(o.id) &&
        this.annotations.schemas.get(o.id)?.name === note?.name &&
        isDeepStrictEqual(this.facts.declaredFields(o), fields),
    );
    if (same) {
      this.schemaConsts.set(n.id, this.schemaConsts.get(same.id)!);
      return;
    }
    const name = this.scope.claim(note?.name ?? typeName(n.source.type));
    this.schemaConsts.set(n.id, name);
    this.usesZod = true;
    const entries = fields.map((f) => {
      const c = fieldCode(f);
      for (const h of c.helpers) this.imports.add(h);
      return [f.name, c.emit] as const;
    });
    this.statements.push({
      kind: 'const',
      name,
      comments: note?.inferred
        ? [
            'Inferred from how the config uses these columns (it declares no schema): check names and types.',
          ]
        : [],
      // More than three columns: one a line, as a list to read.
      initializer: call('z.object', [object(entries, entries.length > 3)]),
    });
  }

  /** The chain that ends with node `id`, starting at a variable or a source. */
  private chain(id: string): Chain {
    const n = this.facts.byId.get(id);
    if (!n) throw new Error(`internal: no node ${id}`);
    const comments = this.annotations.comments.get(id) ?? [];
    const named =
      n.name !== undefined && n.kind !== 'sink' ? [segment(dotCall('as', [str(n.name)]))] : [];
    if (n.kind === 'source')
      return {
        ...chainAt('source', [segment(this.sourceCall(n)), ...named]),
        leading: comments,
      };
    if (
      n.kind === 'join' ||
      n.kind === 'union' ||
      n.kind === 'sideOutput' ||
      nodeInputs(n).length === 1
    ) {
      const inputId =
        n.kind === 'join'
          ? n.left
          : n.kind === 'union'
            ? n.inputs[0]!
            : n.kind === 'sideOutput'
              ? n.of
              : nodeInputs(n)[0]!;
      const base = this.ref(inputId);
      const own = visitNode(this.visitor, n as never, undefined) as Segment[];
      const [first, ...rest] = own;
      const ownSegments = first
        ? [{ ...first, comments: [...comments, ...first.comments] }, ...rest]
        : [];
      return {
        head: base.head,
        segments: [...base.segments, ...ownSegments, ...named],
        leading: base.leading,
      };
    }
    throw new Error(`internal: node ${id} has no input`);
  }

  private ref(id: string): Chain {
    const v = this.vars.get(id);
    return v ? chainAt(v) : this.chain(id);
  }

  private refCode(id: string): string {
    const v = this.vars.get(id);
    if (!v) throw new Error(`internal: ${id} is not a variable`);
    return v;
  }

  private sourceCall(n: PlanNodeOf<'source'>): Emit {
    const options: Record<string, unknown> = sourceOptions(n.source);
    const schemaName = this.schemaConsts.get(n.id);
    if (schemaName) options.schema = new Code(token(schemaName));
    if (n.badRecords) options.badRecords = policyValue(n.badRecords);
    importsOf(options, this.imports);
    this.imports.add('source');
    const args = Object.keys(options).length === 0 ? [] : [options];
    return dotted(callEmit(n.source.type, args));
  }
}
