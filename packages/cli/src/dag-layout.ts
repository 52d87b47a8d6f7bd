/** A node to place: its id, its inputs' ids (placed before it) and the text lines of its box. */
export interface LayoutNode {
  readonly id: string;
  readonly inputs: readonly string[];
  readonly lines: readonly string[];
  /** Lines reserved below the text for this node; `LayoutMetrics.extraLines` when absent. */
  readonly extraLines?: number;
}

/** A placed box (pixels, top-left corner). */
export interface PlacedBox {
  readonly id: string;
  readonly lines: readonly string[];
  readonly width: number;
  readonly height: number;
  x: number;
  y: number;
}

export interface DagLayout {
  readonly boxes: ReadonlyMap<string, PlacedBox>;
  readonly width: number;
  readonly height: number;
}

export interface LayoutMetrics {
  /** Width of a character of the monospace font. */
  readonly charWidth: number;
  readonly lineHeight: number;
  readonly padding: number;
  /** Lines reserved below the text (the UI writes live figures there). */
  readonly extraLines: number;
  /** Characters the reserved lines need at least. */
  readonly extraChars: number;
}

export const svgMetrics: LayoutMetrics = {
  charWidth: 7.2,
  lineHeight: 16,
  padding: 10,
  extraLines: 0,
  extraChars: 0,
};

const layerGap = 70;
const rowGap = 24;

/**
 * Lays a DAG out in layers, left to right: a node's layer is one more than its furthest input's;
 * within a layer, nodes are ordered by the mean position of their inputs (one barycentre pass),
 * which keeps edges mostly straight for the shapes pipelines have. Nodes come inputs first (a
 * plan's order).
 */
export function layoutDag(nodes: readonly LayoutNode[], m: LayoutMetrics = svgMetrics): DagLayout {
  const layerOf = new Map<string, number>();
  for (const n of nodes)
    layerOf.set(n.id, Math.max(-1, ...n.inputs.map((i) => layerOf.get(i) ?? 0)) + 1);
  const layers: LayoutNode[][] = [];
  for (const n of nodes) {
    const at = layerOf.get(n.id)!;
    layers[at] = [...(layers[at] ?? []), n];
  }
  const boxes = new Map<string, PlacedBox>();
  let x = 20;
  let height = 0;
  for (const layer of layers) {
    if (!layer) continue;
    const order = new Map<string, number>();
    for (const n of layer) {
      const ys = n.inputs
        .map((i) => boxes.get(i))
        .filter((b) => b !== undefined)
        .map((b) => b.y + b.height / 2);
      order.set(n.id, ys.length > 0 ? ys.reduce((a, b) => a + b, 0) / ys.length : 0);
    }
    layer.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
    const made: PlacedBox[] = layer.map((node) => {
      const chars = Math.max(m.extraChars, ...node.lines.map((l) => l.length));
      return {
        id: node.id,
        lines: node.lines,
        width: Math.ceil(chars * m.charWidth + 2 * m.padding),
        height:
          (node.lines.length + (node.extraLines ?? m.extraLines)) * m.lineHeight + 2 * m.padding,
        x,
        y: 0,
      };
    });
    let y = 20;
    for (const b of made) {
      // Start near the inputs' mean height, but never over the box above.
      b.y = Math.max(y, Math.round(order.get(b.id)! - b.height / 2));
      y = b.y + b.height + rowGap;
      boxes.set(b.id, b);
    }
    height = Math.max(height, y);
    x += Math.max(...made.map((b) => b.width)) + layerGap;
  }
  return { boxes, width: x - layerGap + 20, height: height + 20 };
}
