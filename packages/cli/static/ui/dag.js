// The plan's DAG as SVG, placed by the server with `pipe explain`'s layout; each box coloured by
// its share of the batch's time and labelled with its live figures.
import { bytes, compact, span } from './format.js';

const svgNs = 'http://www.w3.org/2000/svg';
const lineHeight = 16;
const padding = 8;

function el(name, attrs = {}, text) {
  const e = document.createElementNS(svgNs, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/** 0 → pale grey, 0.3 → amber, 0.6 → orange, 1 → red. */
const stops = [
  [0, [243, 245, 248]],
  [0.3, [255, 231, 160]],
  [0.6, [255, 178, 122]],
  [1, [239, 107, 91]],
];
export function heat(share) {
  const s = Math.max(0, Math.min(1, share));
  for (let i = 1; i < stops.length; i++) {
    const [p1, c1] = stops[i];
    const [p0, c0] = stops[i - 1];
    if (s <= p1) {
      const t = (s - p0) / (p1 - p0);
      const c = c0.map((v, j) => Math.round(v + (c1[j] - v) * t));
      return `rgb(${c.join(',')})`;
    }
  }
  return 'rgb(239,107,91)';
}

const strokes = { source: '#2e8b57', sink: '#2f6fdb', stateful: '#c98a00', other: '#7a8594' };

/** Draws the DAGs (one per pipeline); returns a function that updates their live lines. */
export function drawDags(container, dags) {
  container.replaceChildren();
  const boxes = new Map();
  for (const [index, dag] of dags.entries()) {
    // A pipeline's name may hold any character; the marker's id must not.
    const arrow = `arrow-${index}`;
    const svg = el('svg', {
      width: dag.width,
      height: dag.height,
      viewBox: `0 0 ${dag.width} ${dag.height}`,
      role: 'img',
      'aria-label': `the DAG of pipeline ${dag.pipeline}`,
      'data-pipeline': dag.pipeline,
    });
    const defs = el('defs');
    const marker = el('marker', {
      id: arrow,
      viewBox: '0 0 10 10',
      refX: 9,
      refY: 5,
      markerWidth: 7,
      markerHeight: 7,
      orient: 'auto-start-reverse',
    });
    marker.append(el('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#7a8594' }));
    defs.append(marker);
    svg.append(defs);
    const byId = new Map(dag.nodes.map((n) => [n.id, n]));
    for (const e of dag.edges) {
      const a = byId.get(e.from);
      const b = byId.get(e.to);
      if (!a || !b) continue;
      const x1 = a.x + a.width;
      const y1 = a.y + a.height / 2;
      const x2 = b.x - 2;
      const y2 = b.y + b.height / 2;
      const mid = (x1 + x2) / 2;
      svg.append(
        el('path', {
          class: e.label ? 'edge side' : 'edge',
          d: `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`,
          'marker-end': `url(#${arrow})`,
        }),
      );
      if (e.label)
        svg.append(
          el(
            'text',
            { class: 'edge-label', x: mid, y: (y1 + y2) / 2 - 5, 'text-anchor': 'middle' },
            e.label,
          ),
        );
    }
    for (const n of dag.nodes) {
      const g = el('g', { class: 'node', 'data-id': n.id, 'data-kind': n.kind });
      const kind =
        n.kind === 'source' || n.kind === 'sink'
          ? n.kind
          : n.stateful || n.kind === 'watermark'
            ? 'stateful'
            : 'other';
      const rect = el('rect', {
        x: n.x,
        y: n.y,
        width: n.width,
        height: n.height,
        rx: n.kind === 'source' || n.kind === 'sink' ? 10 : 4,
        fill: heat(0),
        stroke: strokes[kind],
      });
      g.append(el('title', {}, n.id), rect);
      n.lines.forEach((line, i) => {
        g.append(
          el(
            'text',
            {
              class: i === 0 ? 'title' : '',
              x: n.x + padding,
              y: n.y + padding + (i + 1) * lineHeight - 4,
            },
            line,
          ),
        );
      });
      const live = [];
      const count = n.stateful ? 3 : 2;
      for (let i = 0; i < count; i++) {
        const t = el('text', {
          class: 'live quiet',
          x: n.x + padding,
          y: n.y + padding + (n.lines.length + i + 1) * lineHeight - 4,
        });
        t.textContent = i === 0 ? 'waiting for a batch' : '';
        g.append(t);
        live.push(t);
      }
      svg.append(g);
      boxes.set(`${dag.pipeline}\u0000${n.id}`, { rect, live, node: n });
    }
    container.append(svg);
  }
  return (latestByNode) => updateBoxes(boxes, latestByNode);
}

/**
 * latestByNode: key `pipeline\0node` → { node (NodeProgress), record (QueryProgress), sinceMs }.
 */
function updateBoxes(boxes, latestByNode) {
  for (const [key, box] of boxes) {
    const latest = latestByNode.get(key);
    if (!latest) continue;
    const { node: np, record, sinceMs } = latest;
    const share = np.busyMs != null && record.durationMs > 0 ? np.busyMs / record.durationMs : 0;
    box.rect.setAttribute('fill', heat(share));
    const perS = (rows) => (sinceMs > 0 ? (rows * 1000) / sinceMs : 0);
    box.live[0].textContent = `in ${compact(perS(np.rowsIn))}/s · out ${compact(perS(np.rowsOut))}/s`;
    box.live[1].textContent =
      np.busyMs == null
        ? `batch ${record.batchId}`
        : `time ${Math.round(share * 100)}% · ${span(np.busyMs)}`;
    if (box.live[2])
      box.live[2].textContent = `state ${compact(np.stateRows)} rows · ${bytes(np.stateBytes)}`;
    for (const t of box.live) t.setAttribute('class', 'live');
  }
}
