import { isDeepStrictEqual } from 'node:util';
import {
  checkNode,
  type ExpectationRule,
  type ExprNode,
  type Field,
  formatDuration,
  isBoundedSource,
  nodeInputs,
  type OutputMode,
  type Plan,
  type PlanNode,
  type PlanNodeOf,
  type PlanVisitor,
  parseSqlExpression,
  printSql,
  type Schema,
  sinkOutputModes,
  visitNode,
} from '@pipekit/core';
import type { Annotations } from '../convert/build.js';
import { NameScope, typeName, variableName } from '../convert/names.js';
import { fieldCode, propertyKey, quote } from '../convert/zod-fields.js';
import { Code, callCode, fits, importsOf, lineWidth, valueCode } from './code.js';
import { ExprPrinter } from './expr.js';
import {
  onFailureValue,
  policyValue,
  sinkOptions,
  sinkValue,
  sourceOptions,
  triggerValue,
} from './specs.js';
import { wrap } from './wrap.js';

/** One `.method(...)` of a chain, with the comments shown above it. */
interface Segment {
  readonly comments: readonly string[];
  readonly code: (indent: number) => string;
}

interface Chain {
  readonly head: string;
  readonly segments: readonly Segment[];
  /** Comments for the statement the chain starts (its source's judgement calls). */
  readonly leading: readonly string[];
}

const pad = (n: number) => ' '.repeat(n);
const segment = (
  code: string | ((indent: number) => string),
  comments: readonly string[] = [],
): Segment => ({
  comments,
  code: typeof code === 'string' ? () => code : code,
});

/** Notes the printer makes about the code it wrote (a condition kept as SQL). */
export interface PrintNote {
  readonly nodeId: string;
  readonly message: string;
}

/**
 * Stage two: a plan as builder code. A visitor over plan nodes writes each node as the builder
 * call that makes it; streams read by several steps, named streams and join sides become
 * variables; everything else is one fluent chain per sink.
 */
export class PlanPrinter {
  private readonly byId = new Map<string, PlanNode>();
  private readonly schemas = new Map<string, Schema | null>();
  private readonly readers = new Map<string, string[]>();
  private readonly vars = new Map<string, string>();
  private readonly schemaConsts = new Map<string, string>();
  private readonly scope = new NameScope(['source', 'pipeline', 'sinks', 'secret', 'z', 'r']);
  readonly imports = new Set<string>();
  readonly notes: PrintNote[] = [];
  readonly statements: string[] = [];
  usesZod = false;

  constructor(
    private readonly plan: Plan,
    private readonly annotations: Annotations,
  ) {
    for (const n of plan.nodes) {
      this.byId.set(n.id, n);
      for (const i of nodeInputs(n)) this.readers.set(i, [...(this.readers.get(i) ?? []), n.id]);
      this.schemas.set(n.id, this.outputSchema(n));
    }
  }

  /** The file's statements after the imports. */
  print(): string[] {
    for (const n of this.plan.nodes) if (n.kind === 'source') this.schemaConst(n);
    for (const n of this.plan.nodes) {
      if (!this.needsVariable(n)) continue;
      const name = this.scope.claim(this.variableFor(n));
      const chain = this.chain(n.id);
      this.statements.push(this.statement(`const ${name} = `, chain));
      this.vars.set(n.id, name);
    }
    const sinkIds = this.plan.nodes.filter((n) => n.kind === 'sink').map((n) => n.id);
    const policies = this.policyOptions();
    const first = this.byId.get(sinkIds[0] ?? '') as PlanNodeOf<'sink'> | undefined;
    const plain =
      sinkIds.length === 1 &&
      first &&
      !this.vars.has(first.id) &&
      this.plan.name === (first.queryName ?? 'pipeline') &&
      policies === null;
    if (plain) {
      this.statements.push(this.statement('export default ', this.chain(first.id)));
      return this.statements;
    }
    this.imports.add('pipeline');
    const items = sinkIds.map((id) => {
      const v = this.vars.get(id);
      if (v) return v;
      const chain = this.chain(id);
      const [first, ...rest] = chain.segments;
      const inline: Chain = first
        ? {
            ...chain,
            segments: [{ ...first, comments: [...chain.leading, ...first.comments] }, ...rest],
            leading: [],
          }
        : chain;
      return this.render(inline, 2, 0);
    });
    const head = `export default pipeline(${quote(this.plan.name)}, [`;
    const tail = policies ? `], ${valueCode(policies, 0, 3)});` : ']);';
    const flat = `${head}${items.join(', ')}${tail}`;
    this.statements.push(
      fits(flat, 0) ? flat : `${head}\n${items.map((i) => `  ${i},`).join('\n')}\n${tail}`,
    );
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

  private outputSchema(n: PlanNode): Schema | null {
    let inputs = nodeInputs(n).map((i) => this.schemas.get(i) ?? null);
    if (n.kind === 'sideOutput') {
      const of = this.byId.get(n.of);
      inputs = [
        of && of.kind !== 'source' ? (this.schemas.get(nodeInputs(of)[0] ?? '') ?? null) : null,
      ];
    }
    return checkNode(n, inputs).schema;
  }

  private needsVariable(n: PlanNode): boolean {
    if (n.kind === 'sink') return this.annotations.sinks.get(n.id)?.variable !== undefined;
    const readers = this.readers.get(n.id) ?? [];
    if (readers.length > 1 || n.name !== undefined) return true;
    return readers.some((r) => {
      const reader = this.byId.get(r);
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
    const readers = this.readers.get(n.id) ?? [];
    if (readers.every((r) => this.byId.get(r)?.kind === 'sink')) return 'output';
    return n.kind === 'aggregate' ? 'aggregated' : n.kind === 'join' ? 'joined' : 'stream';
  }

  /** The declared columns of a source: the plan's schema without what the source derives itself. */
  private declaredFields(n: PlanNodeOf<'source'>): readonly Field[] | null {
    const s = n.source;
    if (!n.schema || s.type === 'generate') return null;
    if (s.type === 'kafka') {
      if (s.format !== 'json') return null;
      return n.schema.fields.slice(0, n.schema.fields.length - (s.includeColumns?.length ?? 0));
    }
    return n.schema.fields;
  }

  private schemaConst(n: PlanNodeOf<'source'>): void {
    const fields = this.declaredFields(n);
    if (!fields) return;
    const note = this.annotations.schemas.get(n.id);
    const name = this.scope.claim(note?.name ?? typeName(n.source.type));
    this.schemaConsts.set(n.id, name);
    this.usesZod = true;
    const entries = fields.map((f) => {
      const c = fieldCode(f);
      for (const h of c.helpers) this.imports.add(h);
      return `${propertyKey(f.name)}: ${c.code}`;
    });
    const flat = `const ${name} = z.object({ ${entries.join(', ')} });`;
    const body =
      fits(flat, 0) && entries.length <= 3
        ? flat
        : `const ${name} = z.object({\n${entries.map((e) => `  ${e},`).join('\n')}\n});`;
    const comment = note?.inferred
      ? '// Inferred from how the config uses these columns (it declares no schema): check names and types.\n'
      : '';
    this.statements.push(comment + body);
  }

  /** The chain that ends with node `id`, starting at a variable or a source. */
  private chain(id: string): Chain {
    const n = this.byId.get(id);
    if (!n) throw new Error(`internal: no node ${id}`);
    const comments = this.annotations.comments.get(id) ?? [];
    const named =
      n.name !== undefined && n.kind !== 'sink' ? [segment(`.as(${quote(n.name)})`)] : [];
    if (n.kind === 'source')
      return {
        head: 'source',
        segments: [segment((i) => this.sourceCall(n, i)), ...named],
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
    return v ? { head: v, segments: [], leading: [] } : this.chain(id);
  }

  private refCode(id: string): string {
    const v = this.vars.get(id);
    if (!v) throw new Error(`internal: ${id} is not a variable`);
    return v;
  }

  private statement(prefix: string, chain: Chain): string {
    return `${commentLines(chain.leading, 0)}${prefix}${this.render(chain, 0, prefix.length)};`;
  }

  /** A chain on one line when it is short, else one call a line. */
  private render(chain: Chain, indent: number, lead: number): string {
    const inline =
      chain.segments.every((s) => s.comments.length === 0) && chain.segments.length <= 2;
    if (inline) {
      const flat = chain.head + chain.segments.map((s) => s.code(indent)).join('');
      if (
        fits(flat, indent + lead) ||
        (chain.segments.length === 1 &&
          !flat.split('\n')[0]!.endsWith('(') &&
          fits(flat.split('\n')[0]!, indent + lead))
      )
        return flat;
      if (chain.segments.length === 1) {
        const only = chain.head + chain.segments[0]!.code(indent);
        if (fits(only.split('\n')[0]!, indent + lead)) return only;
      }
    }
    const lines = chain.segments.map(
      (s) => `${commentLines(s.comments, indent + 2)}${pad(indent + 2)}${s.code(indent + 2)}`,
    );
    return `${chain.head}\n${lines.join('\n')}`;
  }

  private sourceCall(n: PlanNodeOf<'source'>, indent: number): string {
    const options: Record<string, unknown> = sourceOptions(n.source);
    const schemaName = this.schemaConsts.get(n.id);
    if (schemaName) options.schema = new Code(schemaName);
    if (n.badRecords) options.badRecords = policyValue(n.badRecords);
    importsOf(options, this.imports);
    this.imports.add('source');
    const args = Object.keys(options).length === 0 ? [] : [options];
    return `.${callCode(n.source.type, args, indent, 1)}`;
  }

  /** `.filter(...)`; a long AND/OR of several conditions becomes `and(...)` with one condition a line. */
  private filterCall(n: PlanNodeOf<'filter'>, indent: number): string {
    const code = this.condition(n.id, n.predicate, 'filter');
    const flat = `.filter(${code})`;
    if (fits(flat, indent)) return flat;
    const terms = this.terms(n.id, n.predicate);
    if (!terms) return flat;
    this.imports.add(terms.op);
    const row = terms.usesRow ? '(r) =>\n' + pad(indent + 2) : '';
    const inner = terms.usesRow ? indent + 2 : indent;
    const list = terms.codes.map((c) => `${pad(inner + 2)}${c},`).join('\n');
    return `.filter(${row}${terms.op}(\n${list}\n${pad(inner)})${terms.usesRow ? `,\n${pad(indent)}` : ''})`;
  }

  /** The conditions of a left-nested AND (or OR) chain, each as typed code. */
  private terms(
    id: string,
    node: ExprNode,
  ): { op: 'and' | 'or'; codes: string[]; usesRow: boolean } | null {
    if (node.kind !== 'binary' || (node.op !== 'and' && node.op !== 'or')) return null;
    const op = node.op;
    const parts: ExprNode[] = [];
    let at: ExprNode = node;
    while (at.kind === 'binary' && at.op === op) {
      parts.unshift(at.right);
      at = at.left;
    }
    parts.unshift(at);
    const printer = this.exprPrinter(id);
    const printed = parts.map((p) => printer.predicate(p));
    if (printed.some((p) => p === null)) return null;
    const ok = printed as { code: string; imports: string[]; usesRow: boolean }[];
    for (const p of ok) for (const i of p.imports) this.imports.add(i);
    return { op, codes: ok.map((p) => p.code), usesRow: ok.some((p) => p.usesRow) };
  }

  private exprPrinter(id: string): ExprPrinter {
    const input = this.byId.get(id);
    const inputId = input ? nodeInputs(input)[0] : undefined;
    const schema = inputId === undefined ? null : (this.schemas.get(inputId) ?? null);
    return new ExprPrinter(
      schema,
      schema === null || inputId === undefined || this.untyped(inputId),
    );
  }

  private condition(id: string, node: ExprNode, what: 'filter' | 'value'): string {
    const printer = this.exprPrinter(id);
    const typed = what === 'filter' ? printer.predicate(node) : printer.value(node);
    if (typed) {
      for (const i of typed.imports) this.imports.add(i);
      return typed.usesRow ? `(r) => ${typed.code}` : typed.code;
    }
    this.imports.add('sql');
    const original = this.annotations.conditions.get(id);
    const text = original !== undefined && sameTree(original, node) ? original : printSql(node);
    this.notes.push({
      nodeId: id,
      message: `the condition \`${text}\` is kept as sql\`...\`: no typed expression gives the same tree`,
    });
    return `sql\`${text.replaceAll('\\', '\\\\').replaceAll('`', '\\`').replaceAll('${', '\\${')}\``;
  }

  /** Whether the typed API sees this stream's rows as `Record<string, unknown>` (a source without a declared schema). */
  private untyped(id: string): boolean {
    const n = this.byId.get(id);
    if (!n) return true;
    switch (n.kind) {
      case 'source':
        return n.source.type !== 'generate' && this.declaredFields(n) === null;
      case 'aggregate':
        return false;
      case 'select':
        return n.columns.some((c) => c.expr.kind === 'column' && c.expr.name === c.name)
          ? this.untyped(n.input)
          : false;
      case 'sideOutput': {
        const of = this.byId.get(n.of);
        return n.output === 'late' && of !== undefined && of.kind !== 'source'
          ? this.untyped(nodeInputs(of)[0] ?? '')
          : false;
      }
      default:
        return nodeInputs(n).some((i) => this.untyped(i));
    }
  }

  private watermarkColumn(id: string): string | undefined {
    for (let n = this.byId.get(id); n; n = this.byId.get(nodeInputs(n)[0] ?? '')) {
      if (n.kind === 'watermark') return n.column;
      if (n.kind === 'aggregate' || n.kind === 'map' || n.kind === 'select') return undefined;
    }
    return undefined;
  }

  private bounded(id: string): boolean {
    const n = this.byId.get(id);
    if (!n) return true;
    if (n.kind === 'source') return isBoundedSource(n.source);
    return nodeInputs(n).every((i) => this.bounded(i));
  }

  /** What the typed API knows about a stream, for the output modes its sinks accept. */
  private streamKind(id: string): 'rows' | 'aggregated' | 'aggregatedWithWatermark' {
    for (let n = this.byId.get(id); n; n = this.byId.get(nodeInputs(n)[0] ?? '')) {
      if (n.kind === 'aggregate')
        return this.watermarkColumn(n.input) === undefined
          ? 'aggregated'
          : 'aggregatedWithWatermark';
      if (n.kind === 'sideOutput' || n.kind === 'source') return 'rows';
      if (n.kind === 'join') return this.streamKind(n.left);
    }
    return 'rows';
  }

  private runtimeKind(id: string): 'rows' | 'aggregated' | 'aggregatedWithWatermark' {
    for (let n = this.byId.get(id); n; n = this.byId.get(nodeInputs(n)[0] ?? '')) {
      if (n.kind === 'aggregate')
        return this.watermarkUpstream(n.id) ? 'aggregatedWithWatermark' : 'aggregated';
      if (n.kind === 'sideOutput' || n.kind === 'source') return 'rows';
    }
    return 'rows';
  }

  private watermarkUpstream(id: string): boolean {
    const n = this.byId.get(id);
    if (!n) return false;
    return n.kind === 'watermark' || nodeInputs(n).some((i) => this.watermarkUpstream(i));
  }

  private sinkCall(n: PlanNodeOf<'sink'>, indent: number): string {
    const explicit = this.annotations.sinks.get(n.id)?.explicit ?? [];
    const bounded = this.bounded(n.input);
    const defaultTrigger = bounded ? 'availableNow' : 'continuous';
    const modes = sinkOutputModes[n.sink.type] as readonly OutputMode[];
    const defaultMode: OutputMode =
      bounded || this.runtimeKind(n.input) !== 'aggregated'
        ? 'append'
        : modes.includes('complete')
          ? 'complete'
          : 'update';
    const kind = this.streamKind(n.input);
    const typedModes: readonly OutputMode[] =
      kind === 'rows'
        ? ['append', 'update']
        : kind === 'aggregated'
          ? ['update', 'complete']
          : ['append', 'update', 'complete'];
    const allowed = typedModes.includes(n.outputMode) && modes.includes(n.outputMode);
    const query: Record<string, unknown> = {};
    if (
      n.trigger.type !== defaultTrigger ||
      !isDeepStrictEqual(n.trigger, { type: defaultTrigger }) ||
      explicit.includes('trigger')
    )
      query.trigger = triggerValue(n.trigger);
    const showMode = n.outputMode !== defaultMode || (explicit.includes('outputMode') && allowed);
    if (showMode) query.outputMode = n.outputMode;
    if (n.checkpoint !== undefined) query.checkpoint = n.checkpoint;
    if (n.queryName !== undefined) query.queryName = n.queryName;
    importsOf(query, this.imports);
    if (showMode && !allowed) {
      const sink = sinkValue(n.sink);
      for (const i of sink.imports) this.imports.add(i);
      return `.${callCode('to', [sink, query], indent, 1)}`;
    }
    const options = { ...sinkOptions(n.sink), ...query };
    importsOf(options, this.imports);
    const args = Object.keys(options).length === 0 ? [] : [options];
    return `.sink.${callCode(n.sink.type, args, indent, 6)}`;
  }

  /**
   * `.expect('name', condition, { onFailure })` for one condition; several rules as
   * `.expect(rule(...), unique(...))`, so the plan keeps one expect step with all its rules.
   */
  private expectCall(n: PlanNodeOf<'expect'>, indent: number): string {
    const options = (r: ExpectationRule, name: boolean): Record<string, unknown> => ({
      ...(name ? { name: r.name } : {}),
      ...(r.onFailure.type === 'warn' ? {} : { onFailure: onFailureValue(r.onFailure) }),
    });
    const only = n.rules.length === 1 ? n.rules[0] : undefined;
    if (only?.check.type === 'predicate') {
      const opts = options(only, false);
      importsOf(opts, this.imports);
      const cond = new Code(this.condition(n.id, only.check.predicate, 'filter'));
      const args = Object.keys(opts).length === 0 ? [only.name, cond] : [only.name, cond, opts];
      return `.${callCode('expect', args, indent, 1)}`;
    }
    const rules = n.rules.map((r) => {
      if (r.check.type === 'unique') {
        this.imports.add('unique');
        const cols = r.check.columns;
        const opts = options(r, r.name !== `unique(${cols.join(', ')})`);
        importsOf(opts, this.imports);
        const args = Object.keys(opts).length === 0 ? [cols] : [cols, opts];
        return new Code((i) => callCode('unique', args, i));
      }
      this.imports.add('rule');
      const opts = options(r, false);
      importsOf(opts, this.imports);
      const cond = new Code(this.condition(n.id, r.check.predicate, 'filter'));
      const args = Object.keys(opts).length === 0 ? [r.name, cond] : [r.name, cond, opts];
      return new Code((i) => callCode('rule', args, i));
    });
    return `.${callCode('expect', rules, indent, 1)}`;
  }

  private readonly visitor: PlanVisitor<Segment[]> = {
    source: () => [],
    filter: (n) => [segment((i) => this.filterCall(n, i))],
    select: (n) => {
      if (n.columns.every((c) => c.expr.kind === 'column' && c.expr.name === c.name))
        return [segment(`.select(${n.columns.map((c) => quote(c.name)).join(', ')})`)];
      let usesRow = false;
      const entries = n.columns.map((c) => {
        if (c.expr.kind === 'column') return `${propertyKey(c.name)}: ${quote(c.expr.name)}`;
        const code = this.condition(n.id, c.expr, 'value');
        const body = code.startsWith('(r) => ') ? code.slice(7) : code;
        usesRow ||= code.startsWith('(r) => ') || body.includes('r.');
        return `${propertyKey(c.name)}: ${body}`;
      });
      return [
        segment(
          `.select(${usesRow ? '(r) => ({ ' : '{ '}${entries.join(', ')}${usesRow ? ' })' : ' }'})`,
        ),
      ];
    },
    withColumn: (n) => [
      segment(`.withColumn(${quote(n.column)}, ${this.condition(n.id, n.expr, 'value')})`),
    ],
    drop: (n) => [segment(`.drop(${n.columns.map(quote).join(', ')})`)],
    map: (n) => {
      throw new Error(`a plan with a JavaScript function (map '${n.udf}') cannot be printed`);
    },
    union: (n) => [
      segment(
        `.union(${n.inputs
          .slice(1)
          .map((i) => this.refCode(i))
          .join(', ')})`,
      ),
    ],
    hint: (n) => {
      const h = n.hint;
      if (h.type === 'cache') return [segment('.cache()')];
      if (h.type === 'coalesce') return [segment(`.coalesce(${h.partitions})`)];
      return [
        segment(
          `.repartition(${[String(h.partitions), ...(h.columns ?? []).map(quote)].join(', ')})`,
        ),
      ];
    },
    watermark: (n) => {
      const args: unknown[] = [n.column, formatDuration(n.delay)];
      if (n.idleTimeout !== undefined) args.push({ idleTimeout: formatDuration(n.idleTimeout) });
      return [segment((i) => `.${callCode('watermark', args, i, 1)}`)];
    },
    dedupe: (n) => [segment(`.dedupe(${n.columns.map(quote).join(', ')})`)],
    expect: (n) => [segment((i) => this.expectCall(n, i))],
    aggregate: (n) => {
      const out: Segment[] = [];
      if (n.window) {
        const w = n.window;
        const spec =
          w.type === 'tumbling'
            ? `tumbling('${formatDuration(w.size)}')`
            : w.type === 'sliding'
              ? `sliding('${formatDuration(w.size)}', '${formatDuration(w.slide)}')`
              : `session('${formatDuration(w.gap)}')`;
        this.imports.add(w.type);
        const column =
          w.column === this.watermarkColumn(n.input) ? '' : `, { column: ${quote(w.column)} }`;
        out.push(segment(`.window(${spec}${column})`));
      }
      // With no keys and no window, `groupBy()` makes the whole stream one group.
      if (n.keys.length > 0 || !n.window)
        out.push(segment(`.groupBy(${n.keys.map(quote).join(', ')})`));
      const aggregates = Object.fromEntries(
        n.aggregates.map((a) => {
          this.imports.add(a.fn);
          return [
            a.name,
            new Code(a.column === undefined ? `${a.fn}()` : `${a.fn}(${quote(a.column)})`),
          ];
        }),
      );
      const options: Record<string, unknown> = {};
      if (n.late) options.late = policyValue(n.late);
      if (n.stateTimeout !== undefined) options.stateTimeout = formatDuration(n.stateTimeout);
      importsOf(options, this.imports);
      const args = Object.keys(options).length === 0 ? [aggregates] : [aggregates, options];
      out.push(segment((i) => `.${callCode('aggregate', args, i, 1)}`));
      return out;
    },
    join: (n) => {
      const same = isDeepStrictEqual(n.on.left, n.on.right);
      const on = same
        ? n.on.left.length === 1
          ? n.on.left[0]
          : n.on.left
        : { left: n.on.left, right: n.on.right };
      const options: Record<string, unknown> = { on };
      if (n.joinType !== 'inner') options.type = n.joinType;
      if (n.within !== undefined) options.within = formatDuration(n.within);
      if (n.lookup !== undefined)
        options.lookup =
          n.lookup.refresh === undefined ? true : { refresh: formatDuration(n.lookup.refresh) };
      const right = new Code(this.refCode(n.right));
      return [segment((i) => `.${callCode('join', [right, options], i, 1)}`)];
    },
    sideOutput: (n) => [segment(n.output === 'late' ? '.lateRows()' : '.badRecords()')],
    sink: (n) => [segment((i) => this.sinkCall(n, i))],
  };
}

function commentLines(comments: readonly string[], indent: number): string {
  return comments
    .flatMap((c) => wrap(c, lineWidth - indent - 3))
    .map((c) => `${pad(indent)}// ${c.trim()}\n`)
    .join('');
}

function sameTree(text: string, node: ExprNode): boolean {
  try {
    return isDeepStrictEqual(parseSqlExpression(text), node);
  } catch {
    return false;
  }
}
