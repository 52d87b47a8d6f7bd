#!/usr/bin/env node
/**
 * Draws the peer benchmarks' charts from bench/results/peers.json: one SVG bar chart per workload
 * (engines side by side, events/s; the Kafka read ceiling measured in the same run drawn as a
 * line) into docs/benchmarks/, and the figures table between the `peers:begin`/`peers:end` markers
 * of docs/benchmarks.md. Plain SVG text, no dependencies: `node bench/peers/charts.mjs`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WORKLOADS = {
  w1: 'W1 stateless: Kafka → filter + projection → Kafka',
  w2: 'W2 windowed: Kafka → watermark → tumbling 1 min count/sum/max per key → Kafka',
  w3: 'W3 lake: Kafka → filter → Delta table',
  w4: 'W4 in-process: generated events → watermark → tumbling 1 min count/sum/max',
};

/** Workloads that read the Kafka input topic: their charts draw its read ceiling. */
const READS_KAFKA = new Set(['w1', 'w2', 'w3']);

/** When and how a workload was measured: its own `measured` (kept from an earlier run), else the file's. */
const measuredOf = (results, w, r) =>
  r.measured ?? {
    date: results.date,
    events: w === 'w4' ? (results.w4?.events ?? results.records) : results.records,
    rounds: results.rounds,
    loadAverageEnd: results.machine?.loadAverageEnd,
  };

const COLORS = {
  pipekit: '#2563eb',
  spark: '#ea580c',
  'kafka-streams-eos': '#16a34a',
  'kafka-streams-alos': '#86efac',
};

const xmlText = (s) =>
  String(s).replace(
    /[&<>"]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c],
  );
const thousands = (n) => Math.round(n).toLocaleString('en-US');

/** A "nice" axis end at or above `max`: 1, 2 or 5 × a power of ten. */
function niceMax(max) {
  const p = 10 ** Math.floor(Math.log10(Math.max(max, 1)));
  return [1, 2, 5, 10].map((m) => m * p).find((v) => v >= max) ?? 10 * p;
}

/**
 * A horizontal bar chart. `bars`: `{ label, value, color, note }`; `lines`: `{ label, value }`
 * drawn as dashed vertical lines (ceilings).
 */
export function barChart({ title, subtitle, unit, bars, lines = [] }) {
  const width = 760;
  const left = 170;
  const right = 40;
  const top = 64;
  const rowH = 34;
  const plotW = width - left - right;
  const height = top + bars.length * rowH + 56 + lines.length * 16;
  const max = niceMax(Math.max(1, ...bars.map((b) => b.value), ...lines.map((l) => l.value)));
  const x = (v) => left + (v / max) * plotW;
  const out = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Arial, Helvetica, sans-serif" role="img">`,
    `<title>${xmlText(title)}: ${bars.map((b) => `${xmlText(b.label)} ${thousands(b.value)}`).join(', ')}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="16" y="24" font-size="15" font-weight="bold" fill="#111827">${xmlText(title)}</text>`,
  );
  if (subtitle)
    out.push(`<text x="16" y="44" font-size="11" fill="#4b5563">${xmlText(subtitle)}</text>`);
  const axisY = top + bars.length * rowH + 4;
  for (let i = 0; i <= 5; i++) {
    const v = (max / 5) * i;
    out.push(
      `<line x1="${x(v)}" y1="${top - 6}" x2="${x(v)}" y2="${axisY}" stroke="#e5e7eb"/>`,
      `<text x="${x(v)}" y="${axisY + 14}" font-size="10" text-anchor="middle" fill="#6b7280">${thousands(v)}</text>`,
    );
  }
  out.push(
    `<text x="${left + plotW / 2}" y="${axisY + 30}" font-size="11" text-anchor="middle" fill="#374151">${xmlText(unit)}</text>`,
  );
  bars.forEach((b, i) => {
    const y = top + i * rowH;
    const w = Math.max(1, x(b.value) - left);
    out.push(
      `<text x="${left - 8}" y="${y + 19}" font-size="12" text-anchor="end" fill="#111827">${xmlText(b.label)}</text>`,
      `<rect x="${left}" y="${y + 5}" width="${w}" height="${rowH - 12}" fill="${b.color}"/>`,
      `<text x="${left + w + 6}" y="${y + 19}" font-size="11" fill="#111827">${xmlText(b.value > 0 ? thousands(b.value) : 'failed')}${b.note ? ` ${xmlText(b.note)}` : ''}</text>`,
    );
  });
  lines.forEach((l, i) => {
    out.push(
      `<line x1="${x(l.value)}" y1="${top - 10}" x2="${x(l.value)}" y2="${axisY}" stroke="#dc2626" stroke-width="2" stroke-dasharray="6 4"/>`,
      `<text x="16" y="${axisY + 48 + i * 16}" font-size="11" fill="#dc2626">- - ${xmlText(l.label)}: ${thousands(l.value)}</text>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** The engines of a workload in one order on every chart and table: pipekit first. */
const byEngine = (engines) =>
  Object.entries(engines).sort(
    ([a], [b]) => ORDER.indexOf(a) - ORDER.indexOf(b) || a.localeCompare(b),
  );
const ORDER = Object.keys(COLORS);

/** The charts of a peers.json: `{ workload, file, svg }` per workload in it. */
export function peerCharts(results) {
  return Object.entries(results.workloads).map(([w, r]) => {
    const m = measuredOf(results, w, r);
    const ceiling = READS_KAFKA.has(w)
      ? (r.consumerPerformance ?? results.ceilings?.consumerPerformance?.recordsPerSecond)
      : undefined;
    const bars = byEngine(r.engines).map(([name, e]) => ({
      label: name,
      value: e.eventsPerSecond,
      color: COLORS[name] ?? '#6b7280',
      note:
        name !== 'pipekit' && r.pipekitOverPeer[name]
          ? `(pipekit ${r.pipekitOverPeer[name]}×)`
          : '',
    }));
    return {
      workload: w,
      file: `peers-${w}.svg`,
      svg: barChart({
        title: WORKLOADS[w] ?? w,
        subtitle: `${thousands(m.events)} events, median of ${m.rounds} rounds, ${results.machine.cpus} cores shared (load ${m.loadAverageEnd?.[0] ?? '?'}), ${m.date.slice(0, 10)}`,
        unit: 'input events per second (higher is better)',
        bars,
        lines: ceiling
          ? [
              {
                label: 'Kafka ConsumerPerformance reading the same topic, its group join included',
                value: ceiling,
              },
            ]
          : [],
      }),
    };
  });
}

/** The markdown table of a peers.json, for docs/benchmarks.md. */
export function peerTable(results) {
  const rows = [
    '| workload | engine | events/s (median) | pipekit / engine | events per CPU-second (median) | pipekit / engine per CPU-second | peak RSS MB | output checks | measured |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |',
  ];
  for (const [w, r] of Object.entries(results.workloads)) {
    const m = measuredOf(results, w, r);
    for (const [name, e] of byEngine(r.engines)) {
      const peer = name === 'pipekit' ? '' : (r.pipekitOverPeer[name] ?? '');
      const cpuPeer = name === 'pipekit' ? '' : (r.pipekitOverPeerPerCpuSecond?.[name] ?? '');
      const cpu = e.eventsPerCpuSecond ? thousands(e.eventsPerCpuSecond) : '';
      rows.push(
        `| ${w} | ${name} | ${thousands(e.eventsPerSecond)} | ${peer} | ${cpu} | ${cpuPeer} | ${e.peakRssMB} | ${e.checks} | ${thousands(m.events)} events, ${m.date.slice(0, 16)}, load ${m.loadAverageEnd?.[0] ?? '?'} |`,
      );
    }
  }
  return rows.join('\n');
}

/** Writes the SVGs and the table into `docs` (docs/benchmarks.md between its markers). */
export function writeDocs(results, docs) {
  const charts = peerCharts(results);
  mkdirSync(join(docs, 'benchmarks'), { recursive: true });
  for (const c of charts) writeFileSync(join(docs, 'benchmarks', c.file), c.svg);
  const md = join(docs, 'benchmarks.md');
  const text = readFileSync(md, 'utf8');
  const begin = '<!-- peers:begin -->';
  const end = '<!-- peers:end -->';
  const a = text.indexOf(begin);
  const b = text.indexOf(end);
  if (a < 0 || b < a)
    throw new Error(`${md}: no ${begin} … ${end} markers; add them where the figures go`);
  const images = charts.map(
    (c) => `![${WORKLOADS[c.workload] ?? c.workload}](benchmarks/${c.file})`,
  );
  const body = [
    '',
    `From \`bench/results/peers.json\` (last run ${results.date}); each workload's events, date and load average at the end of its run are in the table.`,
    '',
    ...images.flatMap((i) => [i, '']),
    peerTable(results),
    '',
  ].join('\n');
  writeFileSync(md, text.slice(0, a + begin.length) + body + text.slice(b));
  return charts;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const results = JSON.parse(readFileSync(join(root, 'bench/results/peers.json'), 'utf8'));
  const charts = writeDocs(results, join(root, 'docs'));
  // The repository's formatter aligns the markdown table.
  execFileSync('npx', ['biome', 'format', '--write', 'docs/benchmarks.md'], {
    cwd: root,
    stdio: 'ignore',
  });
  console.log(
    `wrote ${charts.map((c) => `docs/benchmarks/${c.file}`).join(', ')} and docs/benchmarks.md`,
  );
}
