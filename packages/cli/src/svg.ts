import { nodeInputs, type Plan, type PlanNode } from '@pipekit/core';
import { layoutDag, type PlacedBox, svgMetrics } from './dag-layout.js';
import { nodeLines } from './labels.js';

const { lineHeight, padding } = svgMetrics;

interface Box extends PlacedBox {
  readonly node: PlanNode;
}

const colors: Record<string, { fill: string; stroke: string }> = {
  source: { fill: '#e6f4ea', stroke: '#34a853' },
  sink: { fill: '#e8f0fe', stroke: '#4285f4' },
  stateful: { fill: '#fef7e0', stroke: '#f9ab00' },
  side: { fill: '#fce8e6', stroke: '#ea4335' },
  other: { fill: '#f1f3f4', stroke: '#5f6368' },
};

function colorOf(n: PlanNode) {
  if (n.kind === 'source' || n.kind === 'sink') return colors[n.kind]!;
  if (n.kind === 'aggregate' || n.kind === 'join' || n.kind === 'dedupe' || n.kind === 'watermark')
    return colors.stateful!;
  if (n.kind === 'sideOutput') return colors.side!;
  return colors.other!;
}

function xml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** The plan's boxes, placed by the shared layout. */
function layout(plan: Plan): { boxes: Map<string, Box>; width: number; height: number } {
  const placed = layoutDag(
    plan.nodes.map((n) => ({ id: n.id, inputs: nodeInputs(n), lines: nodeLines(n, plan) })),
  );
  const byId = new Map(plan.nodes.map((n) => [n.id, n]));
  const boxes = new Map<string, Box>();
  for (const b of placed.boxes.values()) boxes.set(b.id, { ...b, node: byId.get(b.id)! });
  return { boxes, width: placed.width, height: placed.height };
}

function edge(from: Box, to: Box, dashed: boolean, label: string | null): string {
  const x1 = from.x + from.width;
  const y1 = from.y + from.height / 2;
  const x2 = to.x - 2;
  const y2 = to.y + to.height / 2;
  const mid = (x1 + x2) / 2;
  const path = `<path d="M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}" fill="none" stroke="#5f6368" stroke-width="1.5"${dashed ? ' stroke-dasharray="5,4"' : ''} marker-end="url(#arrow)"/>`;
  return label
    ? `${path}<text x="${mid}" y="${(y1 + y2) / 2 - 4}" font-size="11" text-anchor="middle" fill="#5f6368">${xml(label)}</text>`
    : path;
}

function box(b: Box): string {
  const c = colorOf(b.node);
  const rx = b.node.kind === 'source' || b.node.kind === 'sink' ? 12 : 4;
  const text = b.lines
    .map(
      (l, i) =>
        `<text x="${b.x + padding}" y="${b.y + padding + (i + 1) * lineHeight - 4}"${i === 0 ? ' font-weight="bold"' : ''}>${xml(l)}</text>`,
    )
    .join('');
  return `<g id="${xml(b.node.id)}"><title>${xml(b.node.id)}</title><rect x="${b.x}" y="${b.y}" width="${b.width}" height="${b.height}" rx="${rx}" fill="${c.fill}" stroke="${c.stroke}" stroke-width="1.5"/>${text}</g>`;
}

/** The plan as an SVG picture: a box per node (sources green, sinks blue, stateful steps amber) and arrows. */
export function renderSvg(plan: Plan): string {
  const { boxes, width, height } = layout(plan);
  const titleHeight = 28;
  const edges = plan.nodes.flatMap((n) =>
    nodeInputs(n).map((i) =>
      edge(
        boxes.get(i)!,
        boxes.get(n.id)!,
        n.kind === 'sideOutput',
        n.kind === 'sideOutput' ? n.output : null,
      ),
    ),
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height + titleHeight}" viewBox="0 0 ${width} ${height + titleHeight}" font-family="ui-monospace, Menlo, Consolas, monospace" font-size="12">`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#5f6368"/></marker></defs>',
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="20" y="20" font-size="14" font-weight="bold">${xml(`pipeline ${plan.name}`)}</text>`,
    `<g transform="translate(0,${titleHeight})">`,
    ...edges,
    ...[...boxes.values()].map(box),
    '</g>',
    '</svg>',
    '',
  ].join('\n');
}
