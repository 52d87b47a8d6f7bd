import {
  checkNode,
  type Field,
  isBoundedSource,
  nodeInputs,
  type Plan,
  type PlanNode,
  type PlanNodeOf,
  type Schema,
} from '@pipekit/core';

/**
 * What the printer needs to know about a plan's streams: each node's output columns, who reads it,
 * whether it ends, whether the typed API sees its rows, where its watermark is.
 */
export class PlanFacts {
  readonly byId = new Map<string, PlanNode>();
  readonly schemas = new Map<string, Schema | null>();
  readonly readers = new Map<string, string[]>();

  constructor(readonly plan: Plan) {
    for (const n of plan.nodes) {
      this.byId.set(n.id, n);
      for (const i of nodeInputs(n)) this.readers.set(i, [...(this.readers.get(i) ?? []), n.id]);
      this.schemas.set(n.id, this.outputSchema(n));
    }
  }

  outputSchema(n: PlanNode): Schema | null {
    let inputs = nodeInputs(n).map((i) => this.schemas.get(i) ?? null);
    if (n.kind === 'sideOutput') {
      const of = this.byId.get(n.of);
      inputs = [
        of && of.kind !== 'source' ? (this.schemas.get(nodeInputs(of)[0] ?? '') ?? null) : null,
      ];
    }
    return checkNode(n, inputs).schema;
  }

  /** The declared columns of a source: the plan's schema without what the source derives itself. */
  declaredFields(n: PlanNodeOf<'source'>): readonly Field[] | null {
    const s = n.source;
    if (!n.schema || s.type === 'generate') return null;
    if (s.type === 'kafka') {
      if (s.format !== 'json') return null;
      return n.schema.fields.slice(0, n.schema.fields.length - (s.includeColumns?.length ?? 0));
    }
    return n.schema.fields;
  }

  /** The sources upstream of a node whose columns are not declared, by name. */
  untypedSources(id: string): string[] {
    const n = this.byId.get(id);
    if (!n) return [];
    if (n.kind === 'source') {
      if (this.declaredFields(n) !== null || n.source.type === 'generate') return [];
      const s = n.source as { table?: string; topic?: string; path?: string };
      return [`the ${n.source.type} source '${n.name ?? s.table ?? s.topic ?? s.path ?? n.id}'`];
    }
    if (n.kind === 'aggregate') return [];
    return [...new Set(nodeInputs(n).flatMap((i) => this.untypedSources(i)))];
  }

  /** Whether the typed API sees this stream's rows as `Record<string, unknown>` (a source without a declared schema). */
  untyped(id: string): boolean {
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

  watermarkColumn(id: string): string | undefined {
    for (let n = this.byId.get(id); n; n = this.byId.get(nodeInputs(n)[0] ?? '')) {
      if (n.kind === 'watermark') return n.column;
      if (n.kind === 'aggregate' || n.kind === 'map' || n.kind === 'select') return undefined;
    }
    return undefined;
  }

  bounded(id: string): boolean {
    const n = this.byId.get(id);
    if (!n) return true;
    if (n.kind === 'source') return isBoundedSource(n.source);
    return nodeInputs(n).every((i) => this.bounded(i));
  }

  /** What the typed API knows about a stream, for the output modes its sinks accept. */
  streamKind(id: string): 'rows' | 'aggregated' | 'aggregatedWithWatermark' {
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

  runtimeKind(id: string): 'rows' | 'aggregated' | 'aggregatedWithWatermark' {
    for (let n = this.byId.get(id); n; n = this.byId.get(nodeInputs(n)[0] ?? '')) {
      if (n.kind === 'aggregate')
        return this.watermarkUpstream(n.id) ? 'aggregatedWithWatermark' : 'aggregated';
      if (n.kind === 'sideOutput' || n.kind === 'source') return 'rows';
    }
    return 'rows';
  }

  watermarkUpstream(id: string): boolean {
    const n = this.byId.get(id);
    if (!n) return false;
    return n.kind === 'watermark' || nodeInputs(n).some((i) => this.watermarkUpstream(i));
  }
}
