import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { source } from '@pipekit/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseCsv } from '../src/formats/csv-reader.js';
import {
  ConnectorRegistry,
  formatTable,
  JsonLinesMetrics,
  loadConnectorPackages,
  PrometheusMetrics,
  runPipeline,
} from '../src/index.js';
import { rowCoercer } from '../src/schema/coerce.js';
import { textSink } from './helpers.js';

const Row = z.object({
  id: z.int(),
  name: z.string(),
  score: z.number().nullable(),
  ts: z.coerce.date(),
  ok: z.boolean(),
});
const rows = [
  { id: 1, name: 'a, "quoted"', score: 1.5, ts: new Date('2026-01-01T00:00:00Z'), ok: true },
  { id: 2, name: 'line\nbreak', score: null, ts: new Date('2026-01-02T00:00:00Z'), ok: false },
  { id: 3, name: 'c', score: -2, ts: new Date('2026-01-03T00:00:00Z'), ok: true },
];
const tmp = () => mkdtempSync(join(tmpdir(), 'pipekit-conn-'));

describe('file connectors', () => {
  it.each(['jsonl', 'csv', 'parquet'] as const)(
    '%s: what the file sink writes the file source reads back',
    async (format) => {
      const dir = tmp();
      const write = runPipeline(
        source
          .memory({ schema: Row, rows, batchSize: 2 })
          .sink.file({ path: join(dir, 'out'), format }),
      );
      expect((await write.result).sinks.sink_1).toMatchObject({ rowsWritten: 3, batches: 2 });
      const files = readdirSync(join(dir, 'out'));
      expect(files.every((f) => f.startsWith('part-0000') && f.endsWith(`.${format}`))).toBe(true);
      expect(files).toHaveLength(2);
      const read = runPipeline(
        source
          .file({ path: join(dir, 'out', `*.${format}`), format, schema: Row })
          .sink.memory({ name: 'back' }),
      );
      expect((await read.result).badRecords).toBe(0);
      expect(read.memory.get('back')).toEqual(rows);
    },
  );

  it('partitionBy writes col=value directories without the partition column', async () => {
    const dir = tmp();
    await runPipeline(
      source
        .memory({ schema: Row, rows })
        .sink.file({ path: dir, format: 'jsonl', partitionBy: ['ok'] }),
    ).result;
    expect(readdirSync(dir).sort()).toEqual(['ok=false', 'ok=true']);
    const [file] = readdirSync(join(dir, 'ok=true'));
    expect(JSON.parse(readFileSync(join(dir, 'ok=true', file!), 'utf8').split('\n')[0]!)).toEqual({
      id: 1,
      name: 'a, "quoted"',
      score: 1.5,
      ts: '2026-01-01T00:00:00.000Z',
    });
  });

  it('CSV: quotes, empty fields as NULL, wrong field counts as bad records', async () => {
    const text = 'a,"b,""c"""\n,x\r\n"multi\nline",\n';
    const options = { header: false, delimiter: ',', columns: null };
    expect((await parseCsv(text, 'f.csv', options, rowCoercer(null, 'n'), 'n')).rows).toEqual([
      { _c0: 'a', _c1: 'b,"c"' },
      { _c0: null, _c1: 'x' },
      { _c0: 'multi\nline', _c1: null },
    ]);
    const dir = tmp();
    mkdirSync(join(dir, 'in'));
    writeFileSync(
      join(dir, 'in', 'a.csv'),
      'id,name,score,ts,ok\n1,x,,2026-01-01T00:00:00Z,true\n2,y\n3,z,abc,2026-01-01T00:00:00Z,false\n',
    );
    writeFileSync(join(dir, 'in', '_ignored.csv'), 'not,read\n');
    const src = source.file({
      path: join(dir, 'in'),
      format: 'csv',
      schema: Row,
      badRecords: 'drop',
    });
    const run = runPipeline(src.sink.memory({ name: 'out' }));
    const result = await run.result;
    expect(run.memory.get('out')).toEqual([
      { id: 1, name: 'x', score: null, ts: new Date('2026-01-01T00:00:00Z'), ok: true },
    ]);
    expect(result.badRecords).toBe(2);
  });

  it('a path with no files is a definition error naming the path', async () => {
    await expect(
      runPipeline(
        source.file({ path: '/nonexistent/pipekit/*.jsonl', format: 'jsonl' }).sink.console(),
      ).result,
    ).rejects.toThrow(/no jsonl files at '\/nonexistent\/pipekit\/\*\.jsonl'/);
  });
});

describe('console sink', () => {
  it('prints a readable table per batch, with numRows and truncate', async () => {
    const out = textSink();
    const long = { ...rows[2]!, name: 'x'.repeat(30) };
    await runPipeline(
      source.memory({ schema: Row, rows: [rows[0]!, long] }).sink.console({ numRows: 1 }),
      { stdout: out.stream },
    ).result;
    expect(out.text()).toContain('Batch: 0');
    expect(out.text()).toContain('only showing top 1 row');
    expect(out.text()).toContain('|  1|a, "quoted"|  1.5|2026-01-01 00:00:00|true|');
    const table = formatTable([long], null, 5, true);
    expect(table).toContain('xxxxxxxxxxxxxxxxx...');
    expect(formatTable([long], null, 5, false)).toContain('x'.repeat(30));
  });
});

describe('metrics and connectors', () => {
  it('serves Prometheus metrics per node and writes JSON lines', async () => {
    const prom = new PrometheusMetrics();
    const port = await prom.listen(0);
    const json = textSink();
    try {
      const served = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(served.status).toBe(200);
      expect(served.headers.get('content-type')).toContain('text/plain');
      await runPipeline(
        source
          .memory({ schema: Row, rows, batchSize: 1 })
          .filter((r) => r.ok)
          .sink.memory({ name: 'm' }),
        {
          metrics: [prom, new JsonLinesMetrics(json.stream)],
        },
      ).result;
      const lines = json
        .text()
        .trim()
        .split('\n')
        .map(
          (l) =>
            JSON.parse(l) as {
              batchId: number;
              nodes: { id: string; rowsOut: number }[];
              sources: { name: string; numInputRows: number; inputRowsPerSecond: number }[];
              triggerIntervalMs: number | null;
            },
        );
      expect(lines.map((l) => l.batchId)).toEqual([0, 1, 2]);
      expect(lines[0]!.sources).toEqual([
        expect.objectContaining({ name: 'memory_1', numInputRows: 1, backlogRows: null }),
      ]);
      expect(lines[0]!.triggerIntervalMs).toBeNull();
      expect(lines[1]!.nodes.find((n) => n.id === 'filter_1')?.rowsOut).toBe(0);
      const text = await prom.registry.metrics();
      expect(text).toMatch(
        /pipekit_node_rows_out_total\{pipeline="pipeline",query="pipeline",node="filter_1",kind="filter",name="filter_1"\} 2/,
      );
      // The same health fields as the progress line and the JSON lines, per source and query.
      expect(text).toMatch(
        /pipekit_source_processed_rows_per_second\{pipeline="pipeline",query="pipeline",source="memory_1"\} \d+/,
      );
      expect(text).toMatch(
        /pipekit_query_input_rows_per_second\{pipeline="pipeline",query="pipeline"\} \d+/,
      );
      expect(text).toMatch(
        /pipekit_query_last_batch_duration_seconds\{pipeline="pipeline",query="pipeline"\} [\d.e-]+/,
      );
      expect(text).toContain('pipekit_query_batches_total');
    } finally {
      await prom.close();
    }
  });

  it('an unknown connector type names the package to install', async () => {
    const registry = new ConnectorRegistry();
    expect(() => registry.source('kafka')).toThrow(
      /comes with @pipekit\/kafka: install it \(npm install @pipekit\/kafka\)/,
    );
    const plan = source.kafka({ brokers: ['b:9092'], topic: 't' }).sink.console().plan;
    const notFound = Object.assign(new Error("Cannot find package '@pipekit/kafka'"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    await expect(
      loadConnectorPackages(plan, registry, () => Promise.reject(notFound)),
    ).rejects.toThrow(/install it \(npm install @pipekit\/kafka\)/);
    await expect(loadConnectorPackages(plan, registry, () => Promise.resolve({}))).rejects.toThrow(
      /@pipekit\/kafka does not provide a kafka connector/,
    );
    await expect(
      runPipeline(source.kafka({ brokers: ['b:9092'], topic: 't' }).sink.console()).result,
    ).rejects.toThrow(
      /nodes\[0\]\.source\.type: no connector for source type 'kafka' \(install @pipekit\/kafka/,
    );
  });
});
