import { nodeInputs, type Plan } from '@pipekit/core';
import { type LayoutMetrics, layoutDag } from '../dag-layout.js';
import { nodeLines } from '../labels.js';
import { redactText } from './redact.js';

/** Node kinds that keep state across batches (their boxes show state rows and bytes). */
const statefulKinds = new Set(['aggregate', 'join', 'dedupe']);

/** A plan node as the UI draws it: what `pipe explain` writes in its box, and its inputs. */
export interface GraphNode {
  readonly id: string;
  readonly kind: string;
  /** The user's `.as()` name, else the id. */
  readonly name: string;
  readonly inputs: readonly string[];
  readonly lines: readonly string[];
  readonly stateful: boolean;
  /** A side output's stream (`late`, `bad`): its edge is drawn dashed and labelled. */
  readonly output?: string;
}

/**
 * A pipeline's DAG without its options: what the page needs to draw it, and what
 * `pipe run --json` records first (`{"type":"graph",...}`) so that `pipe ui --from` can draw it.
 */
export interface PipelineGraph {
  readonly pipeline: string;
  readonly nodes: readonly GraphNode[];
}

export function pipelineGraph(plan: Plan): PipelineGraph {
  return {
    pipeline: plan.name,
    nodes: plan.nodes.map((n) => ({
      id: n.id,
      kind: n.kind,
      name: n.name ?? n.id,
      inputs: nodeInputs(n),
      lines: nodeLines(n, plan).map((l) => redactText(l)),
      stateful: statefulKinds.has(n.kind),
      ...(n.kind === 'sideOutput' ? { output: n.output } : {}),
    })),
  };
}

/** The graph as a JSON line of a `--json` run. */
export function graphJson(g: PipelineGraph): string {
  return `${JSON.stringify({ type: 'graph', ...g })}\n`;
}

/** Reads a graph line back; null when the value is not one. */
export function parseGraph(value: unknown): PipelineGraph | null {
  const v = value as Partial<PipelineGraph> & { type?: unknown };
  if (v?.type !== 'graph' || typeof v.pipeline !== 'string' || !Array.isArray(v.nodes)) return null;
  const ok = v.nodes.every(
    (n) =>
      typeof n?.id === 'string' &&
      typeof n.kind === 'string' &&
      Array.isArray(n.inputs) &&
      Array.isArray(n.lines),
  );
  return ok ? { pipeline: v.pipeline, nodes: v.nodes } : null;
}

/** The placed DAG the page draws: boxes (pixels) and edges. */
export interface DagView {
  readonly pipeline: string;
  readonly width: number;
  readonly height: number;
  readonly nodes: readonly (GraphNode & {
    readonly x: number;
    readonly y: number;
    readonly width: number;
    readonly height: number;
  })[];
  readonly edges: readonly {
    readonly from: string;
    readonly to: string;
    readonly label: string | null;
  }[];
}

/** The page's box text: 12 px monospace, two live lines under the text (three for state). */
const pageMetrics: LayoutMetrics = {
  charWidth: 7.3,
  lineHeight: 16,
  padding: 8,
  extraLines: 2,
  extraChars: 26,
};

/** Places a graph with `pipe explain`'s layout, leaving room for the live figures. */
export function dagView(g: PipelineGraph): DagView {
  const placed = layoutDag(
    g.nodes.map((n) => ({ ...n, extraLines: n.stateful ? 3 : 2 })),
    pageMetrics,
  );
  return {
    pipeline: g.pipeline,
    width: placed.width,
    height: placed.height,
    nodes: g.nodes.map((n) => {
      const b = placed.boxes.get(n.id)!;
      return { ...n, x: b.x, y: b.y, width: b.width, height: b.height };
    }),
    edges: g.nodes.flatMap((n) =>
      n.inputs.map((i) => ({
        from: i,
        to: n.id,
        label: n.output === undefined ? null : n.output === 'late' ? 'late rows' : 'bad records',
      })),
    ),
  };
}
