// The timelines of one query (uPlot): x is the batch's start (epoch seconds), the last 10 minutes.
import { clock, compact, span } from './format.js';

const palette = [
  '#2f6fdb',
  '#e8590c',
  '#2e8b57',
  '#9333ea',
  '#c2185b',
  '#0f766e',
  '#a16207',
  '#475569',
];

const sum = (xs, f) => xs.reduce((a, x) => a + (f(x) ?? 0), 0);

/** Per-batch increase of a run total (0 for the first batch seen: its earlier rows are unknown). */
function increases(records, total) {
  let previous = null;
  return records.map((r) => {
    const t = total(r);
    const d = previous === null ? 0 : Math.max(0, t - previous);
    previous = t;
    return d;
  });
}

/** The charts' definitions and data for a query's records (oldest first). */
export function chartSpecs(records) {
  const xs = records.map((r) => Date.parse(r.timestamp) / 1000);
  const last = records.at(-1);
  const specs = [];

  const sources = last.sources;
  specs.push({
    id: 'rates',
    title: 'Input rate vs processing rate (rows/s, log scale)',
    log: true,
    format: compact,
    series: sources.flatMap((s, i) => [
      { label: `${s.name} input`, stroke: palette[(2 * i) % palette.length] },
      { label: `${s.name} processed`, stroke: palette[(2 * i + 1) % palette.length], dash: [6, 4] },
    ]),
    data: [
      xs,
      ...sources.flatMap((s) => [
        records.map((r) => r.sources.find((x) => x.id === s.id)?.inputRowsPerSecond ?? null),
        records.map((r) => r.sources.find((x) => x.id === s.id)?.processedRowsPerSecond ?? null),
      ]),
    ],
    caption: sources
      .map(
        (s) =>
          `${s.name}: in ${compact(s.inputRowsPerSecond)}/s, processed ${compact(s.processedRowsPerSecond)}/s`,
      )
      .join(' · '),
  });

  const interval = last.triggerIntervalMs;
  specs.push({
    id: 'duration',
    title: 'Batch duration vs trigger interval (log scale)',
    log: true,
    format: (v) => span(v),
    series: [
      { label: 'duration', stroke: palette[0], fill: 'rgba(47,111,219,0.08)' },
      ...(interval == null ? [] : [{ label: 'trigger interval', stroke: '#b42318', dash: [4, 4] }]),
    ],
    data: [
      xs,
      records.map((r) => r.durationMs),
      ...(interval == null ? [] : [records.map((r) => r.triggerIntervalMs)]),
    ],
    caption: `last ${span(last.durationMs)}${interval == null ? ' (no trigger interval: batches run back to back)' : ` of ${span(interval)}`}`,
  });

  const et = last.eventTime;
  specs.push({
    id: 'watermark',
    title: 'Event time: max event time vs watermark',
    format: (v) => clock(v),
    series: [
      { label: 'max event time', stroke: palette[1] },
      { label: 'watermark', stroke: palette[0] },
    ],
    data: [
      xs,
      records.map((r) => (r.eventTime?.max ? Date.parse(r.eventTime.max) / 1000 : null)),
      records.map((r) =>
        r.eventTime?.watermark ? Date.parse(r.eventTime.watermark) / 1000 : null,
      ),
    ],
    caption:
      et == null
        ? 'this query has no watermark'
        : `watermark ${et.watermark ? clock(Date.parse(et.watermark) / 1000) : '–'} · lag behind the clock ${span(et.lagMs)} · watermark delay ${span(et.watermarkDelayMs)}`,
    empty: et == null ? 'no watermark in this query (.watermark(column, delay) sets one)' : null,
  });

  const late = increases(records, (r) => sum(r.nodes, (n) => n.lateRows));
  const bad = increases(records, (r) => sum(r.nodes, (n) => n.badRecords));
  const failed = records.map((r) => sum(r.expectations ?? [], (e) => e.failed));
  specs.push({
    id: 'quality',
    title: 'Late rows, bad records, expectation failures (per batch)',
    format: compact,
    series: [
      { label: 'late rows', stroke: palette[1] },
      { label: 'bad records', stroke: '#b42318' },
      { label: 'expectation failures', stroke: palette[3] },
    ],
    data: [xs, late, bad, failed],
    caption: `run totals: ${compact(sum(last.nodes, (n) => n.lateRows))} late · ${compact(sum(last.nodes, (n) => n.badRecords))} bad · ${compact(sum(last.expectations ?? [], (e) => e.totalFailed))} expectation failures`,
  });

  const sinks = last.nodes.filter((n) => n.kind === 'sink');
  specs.push({
    id: 'sinks',
    title: 'Sink commit latency (write time per batch, ms)',
    format: (v) => span(v),
    series: sinks.map((n, i) => ({ label: n.name ?? n.id, stroke: palette[i % palette.length] })),
    data: [
      xs,
      ...sinks.map((k) => records.map((r) => r.nodes.find((n) => n.id === k.id)?.busyMs ?? null)),
    ],
    caption: sinks.map((n) => `${n.name ?? n.id}: ${span(n.busyMs)}`).join(' · '),
    empty: sinks.some((n) => n.busyMs != null) ? null : 'the engine reports no sink write times',
  });

  const stateful = last.nodes.filter((n) => ['aggregate', 'join', 'dedupe'].includes(n.kind));
  specs.push({
    id: 'state',
    title: 'State rows',
    format: compact,
    series: stateful.map((n, i) => ({
      label: n.name ?? n.id,
      stroke: palette[(i + 2) % palette.length],
    })),
    data: [
      xs,
      ...stateful.map((k) =>
        records.map((r) => r.nodes.find((n) => n.id === k.id)?.stateRows ?? null),
      ),
    ],
    caption: stateful.map((n) => `${n.name ?? n.id}: ${compact(n.stateRows)} rows`).join(' · '),
    empty: stateful.length === 0 ? 'no stateful step in this query' : null,
  });
  return specs;
}

function isPowerOfTen(v) {
  if (!(v > 0)) return false;
  const e = Math.log10(v);
  return Math.abs(e - Math.round(e)) < 1e-9;
}

const powersOfTen = (_u, splits) => splits.map((v) => (isPowerOfTen(v) ? v : null));

/** Off the plot, the legend shows the newest values (under the cursor, the values there). */
function showLatest(u) {
  if (u.cursor.left != null && u.cursor.left >= 0) return;
  const n = u.data[0]?.length ?? 0;
  if (n > 0) u.setLegend({ idx: n - 1 });
}

/** Keeps a uPlot chart per spec in the container, updated in place. */
export class Charts {
  constructor(container) {
    this.container = container;
    this.charts = new Map();
  }

  clear() {
    for (const c of this.charts.values()) c.plot?.destroy();
    this.charts.clear();
    this.container.replaceChildren();
  }

  update(specs, windowStart, windowEnd) {
    for (const spec of specs) {
      let c = this.charts.get(spec.id);
      const shape = JSON.stringify(spec.series.map((s) => s.label)) + String(spec.empty);
      if (c && c.shape !== shape) {
        c.plot?.destroy();
        c.box.remove();
        this.charts.delete(spec.id);
        c = undefined;
      }
      if (!c) {
        c = this.create(spec, shape);
        this.charts.set(spec.id, c);
      }
      c.caption.textContent = spec.caption;
      if (c.plot) {
        // A log scale has no place for 0 (an idle batch): it is drawn as a gap.
        const data = spec.log
          ? spec.data.map((d, i) => (i === 0 ? d : d.map((v) => (v > 0 ? v : null))))
          : spec.data;
        c.plot.setData(data, false);
        c.plot.setScale('x', { min: windowStart, max: windowEnd });
        showLatest(c.plot);
      }
    }
  }

  create(spec, shape) {
    const box = document.createElement('div');
    box.className = 'panel chart';
    box.id = `chart-${spec.id}`;
    const h = document.createElement('h3');
    h.textContent = spec.title;
    const caption = document.createElement('div');
    caption.className = 'caption';
    box.append(h, caption);
    this.container.append(box);
    if (spec.empty) {
      const p = document.createElement('div');
      p.className = 'empty';
      p.textContent = spec.empty;
      box.append(p);
      return { box, caption, plot: null, shape };
    }
    const width = Math.max(360, box.clientWidth - 28);
    const plot = new uPlot(
      {
        width,
        height: 190,
        cursor: { drag: { x: false, y: false } },
        legend: { live: true },
        scales: { x: { time: true }, y: spec.log ? { distr: 3 } : {} },
        hooks: { setCursor: [(u) => showLatest(u)] },
        axes: [
          {
            stroke: '#5f6873',
            grid: { stroke: '#eef0f3' },
            ticks: { stroke: '#d9dde3' },
            values: (_u, vals) => vals.map((v) => clock(v)),
            space: 70,
          },
          {
            stroke: '#5f6873',
            size: 70,
            // On a log scale, only powers of ten get a line and a label: 2, 3... 9 would crowd it.
            grid: { stroke: '#eef0f3', ...(spec.log ? { filter: powersOfTen } : {}) },
            ticks: { stroke: '#d9dde3', ...(spec.log ? { filter: powersOfTen } : {}) },
            values: (_u, vals) => vals.map((v) => (v == null ? '' : spec.format(v))),
            ...(spec.log ? { filter: powersOfTen } : {}),
          },
        ],
        series: [
          { label: 'time', value: (_u, v) => (v == null ? '–' : clock(v)) },
          ...spec.series.map((s) => ({
            label: s.label,
            stroke: s.stroke,
            width: 1.6,
            ...(s.dash ? { dash: s.dash } : {}),
            ...(s.fill ? { fill: s.fill } : {}),
            spanGaps: true,
            // Points only while there are few: a lone batch is a dot, many are a line.
            points: { show: (_u, _si, i0, i1) => i1 - i0 < 12, size: 5 },
            value: (_u, v) => (v == null ? '–' : spec.format(v)),
          })),
        ],
      },
      spec.data,
      box,
    );
    return { box, caption, plot, shape };
  }

  /** Charts follow the page's width. */
  resize() {
    for (const c of this.charts.values())
      if (c.plot) c.plot.setSize({ width: Math.max(360, c.box.clientWidth - 28), height: 190 });
  }
}
