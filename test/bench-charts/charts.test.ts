/**
 * The peer benchmark chart script (bench/peers/charts.mjs): its SVG rendered to PNG by resvg, and
 * the pixels read back, so a chart that draws nothing, or bars out of proportion, fails.
 * PIPEKIT_CHART_PNGS=<dir> also writes the PNGs there, to look at.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { barChart, peerCharts, peerTable, writeDocs } from '../../bench/peers/charts.mjs';

/** The rendered chart: its width and RGBA pixels (read once: `pixels` copies on each access). */
function render(svg: string) {
  const img = new Resvg(svg, { font: { loadSystemFonts: true } }).render();
  const out = process.env.PIPEKIT_CHART_PNGS;
  if (out) {
    mkdirSync(out, { recursive: true });
    writeFileSync(
      join(out, `${/<text[^>]*>([^<]*)/.exec(svg)![1]!.slice(0, 12)}.png`),
      img.asPng(),
    );
  }
  return { width: img.width, pixels: img.pixels };
}

/** The x extent of pixels of one colour in row `y`. */
function extent(img: { width: number; pixels: Buffer }, y: number, rgb: [number, number, number]) {
  let first = -1;
  let last = -1;
  for (let x = 0; x < img.width; x++) {
    const i = (y * img.width + x) * 4;
    if (img.pixels[i] === rgb[0] && img.pixels[i + 1] === rgb[1] && img.pixels[i + 2] === rgb[2]) {
      if (first < 0) first = x;
      last = x;
    }
  }
  return first < 0 ? 0 : last - first + 1;
}

const results = {
  date: '2026-12-03T18:00:00.000Z',
  records: 1_000_000,
  rounds: 3,
  machine: { cpus: 2, loadAverageEnd: [12.5, 11, 10] },
  ceilings: { consumerPerformance: { recordsPerSecond: 400_000 } },
  workloads: {
    w1: {
      engines: {
        pipekit: { eventsPerSecond: 200_000, peakRssMB: 300, checks: '3/3 ok' },
        spark: { eventsPerSecond: 50_000, peakRssMB: 1200, checks: '3/3 ok' },
      },
      pipekitOverPeer: { spark: 4 },
    },
    w3: {
      engines: {
        pipekit: { eventsPerSecond: 100_000, peakRssMB: 300, checks: '3/3 ok' },
        spark: { eventsPerSecond: 0, peakRssMB: 0, checks: '0/3 ok' },
      },
      pipekitOverPeer: {},
    },
    w4: {
      engines: {
        pipekit: {
          eventsPerSecond: 300_000,
          eventsPerCpuSecond: 600_000,
          peakRssMB: 400,
          checks: '5/5 ok',
        },
        spark: {
          eventsPerSecond: 30_000,
          eventsPerCpuSecond: 20_000,
          peakRssMB: 1200,
          checks: '5/5 ok',
        },
      },
      pipekitOverPeer: { spark: 10 },
      pipekitOverPeerPerCpuSecond: { spark: 30 },
      measured: {
        date: '2026-12-03T20:00:00.000Z',
        events: 2_000_000,
        rounds: 5,
        loadAverageEnd: [20, 20, 15],
      },
    },
  },
};

describe('peer benchmark charts', () => {
  it('draws bars in proportion to their values, as a PNG shows them', () => {
    const img = render(
      barChart({
        title: 'Proportions',
        unit: 'events/s',
        bars: [
          { label: 'a', value: 1000, color: '#2563eb' },
          { label: 'b', value: 250, color: '#ea580c' },
        ],
      }),
    );
    // Rows 64–98 hold bar a, 98–132 bar b (top 64, 34 px a row): sample each bar's middle.
    const a = extent(img, 64 + 17, [0x25, 0x63, 0xeb]);
    const b = extent(img, 98 + 17, [0xea, 0x58, 0x0c]);
    expect(a).toBeGreaterThan(400);
    expect(b / a).toBeCloseTo(0.25, 1);
  });

  it('makes one chart per workload, each engine a bar, the read ceiling a red line', () => {
    const charts = peerCharts(results);
    expect(charts.map((c: { file: string }) => c.file)).toEqual([
      'peers-w1.svg',
      'peers-w3.svg',
      'peers-w4.svg',
    ]);
    const w1 = charts[0].svg as string;
    expect(w1).toContain('>pipekit<');
    expect(w1).toContain('>spark<');
    expect(w1).toContain('(pipekit 4×)');
    expect(w1).toContain('stroke="#dc2626"');
    const img = render(w1);
    // The ceiling (400k) is beyond pipekit's bar (200k): red pixels right of the blue ones (any
    // row of the plot: the line is dashed).
    const row = 64 + 17;
    let blueEnd = 0;
    let red = 0;
    for (let x = 0; x < img.width; x++) {
      const i = (row * img.width + x) * 4;
      if (img.pixels[i] === 0x25 && img.pixels[i + 1] === 0x63 && img.pixels[i + 2] === 0xeb)
        blueEnd = x;
    }
    for (let y = 54; y < 132; y++)
      for (let x = 0; x < img.width; x++) {
        const i = (y * img.width + x) * 4;
        if (img.pixels[i]! > 200 && img.pixels[i + 1]! < 80 && img.pixels[i + 2]! < 80)
          red = Math.max(red, x);
      }
    expect(blueEnd).toBeGreaterThan(170);
    expect(red).toBeGreaterThan(blueEnd);
    // A failed engine is drawn as failed, not as a fast one.
    expect(charts[1].svg).toContain('failed');
    // W4 reads no Kafka topic: no read ceiling; its subtitle has its own run's events and date.
    const w4 = charts[2].svg as string;
    expect(w4).not.toContain('stroke="#dc2626"');
    expect(w4).toContain('2,000,000 events, median of 5 rounds');
    expect(w4).toContain('(pipekit 10×)');
  });

  it('tables events per CPU-second beside events/s, and when each workload was measured', () => {
    const table = peerTable(results) as string;
    expect(table).toContain(
      '| w4 | spark | 30,000 | 10 | 20,000 | 30 | 1200 | 5/5 ok | 2,000,000 events, 2026-12-03T20:00, load 20 |',
    );
    // Figures without CPU time (an older peers.json) leave its columns empty.
    expect(table).toContain(
      '| w1 | spark | 50,000 | 4 |  |  | 1200 | 3/3 ok | 1,000,000 events, 2026-12-03T18:00, load 12.5 |',
    );
  });

  it('writes the SVGs and the table between the markers of benchmarks.md, keeping the rest', () => {
    const docs = mkdtempSync(join(tmpdir(), 'pipekit-charts-'));
    mkdirSync(join(docs, 'benchmarks'));
    writeFileSync(
      join(docs, 'benchmarks.md'),
      'intro\n<!-- peers:begin -->\nold\n<!-- peers:end -->\noutro\n',
    );
    writeDocs(results, docs);
    const md = readFileSync(join(docs, 'benchmarks.md'), 'utf8');
    expect(md).toMatch(/^intro\n<!-- peers:begin -->\n/);
    expect(md).toMatch(/<!-- peers:end -->\noutro\n$/);
    expect(md).not.toContain('old');
    expect(md).toContain('![W1 stateless');
    expect(md).toContain(peerTable(results));
    expect(readFileSync(join(docs, 'benchmarks', 'peers-w1.svg'), 'utf8')).toMatch(/^<svg /);
    writeFileSync(join(docs, 'benchmarks.md'), 'no markers\n');
    expect(() => writeDocs(results, docs)).toThrow(/no <!-- peers:begin -->/);
  });
});
