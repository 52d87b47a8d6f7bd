import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliDir, repo, runPipe, startPipe } from './pipe-process.js';

const _bin = join(cliDir, 'bin', 'pipe.js');
const fixture = (name: string) => join(cliDir, 'test', 'fixtures', name);
const quickstart = join(repo, 'examples', 'quickstart.pipeline.ts');

const pipe = (...args: string[]) => runPipe(args);
const tmp = mkdtempSync(join(tmpdir(), 'pipekit-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('pipe explain', () => {
  it('writes an SVG of the graph: a box per node, an arrow per edge', async () => {
    const out = join(tmp, 'q.svg');
    const r = await pipe('explain', quickstart, '--format', 'svg', '-o', out);
    expect(r).toMatchObject({ code: 0, stderr: `wrote ${out}\n` });
    const svg = readFileSync(out, 'utf8');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    for (const id of ['generate_1', 'filter_1', 'aggregate_1', 'sink_1'])
      expect(svg).toContain(`<g id="${id}">`);
    expect(svg.match(/marker-end="url\(#arrow\)"/g)).toHaveLength(3);
    expect(svg).toContain('sink: delta (overwrite)');
    expect(svg).toContain('purchases = count(*)');
  });

  it('prints Mermaid by default and the plan as JSON', async () => {
    const mermaid = await pipe('explain', quickstart);
    expect(mermaid.code).toBe(0);
    expect(mermaid.stdout).toMatch(/^flowchart LR/);
    expect(mermaid.stdout).toContain('generate_1 --> filter_1');
    const json = await pipe('explain', quickstart, '--format', 'json');
    expect(JSON.parse(json.stdout)).toMatchObject({ version: 1, name: 'revenue-per-user' });
  });
});

describe('pipe validate', () => {
  it('ok for a pipeline the runtime can run; problems with paths otherwise (exit 2)', async () => {
    const ok = await pipe('validate', quickstart);
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.stdout).toContain('ok: ');
    const bad = await pipe('validate', fixture('two-triggers.pipeline.ts'));
    expect(bad.code).toBe(2);
    expect(bad.stdout).toContain(
      'not supported yet: sinks that share steps with different triggers',
    );
  });

  it('an invalid plan JSON: its problems with their paths, exit 2, no stack', async () => {
    const r = await pipe('validate', fixture('invalid-plan.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("nodes[1].predicate: unknown column 'b'");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('pipe run', () => {
  it('runs an array of pipelines with --once and --json, then a summary', async () => {
    const r = await pipe('run', fixture('small.pipeline.ts'), '--json');
    expect(r.code).toBe(0);
    const lines = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map(
        (l) =>
          JSON.parse(l) as {
            type: string;
            pipeline: string;
            sinks?: Record<string, { rowsWritten: number }>;
          },
      );
    expect(lines.filter((l) => l.type === 'progress').length).toBeGreaterThanOrEqual(10);
    const summaries = lines.filter((l) => l.type === 'summary');
    expect(summaries.map((s) => s.pipeline).sort()).toEqual(['copy', 'small']);
    expect(summaries.find((s) => s.pipeline === 'small')?.sinks?.sink_1?.rowsWritten).toBe(5);
    expect(r.stdout).toContain('Batch: 9'); // the console sink's table
    const once = await pipe('run', fixture('small.pipeline.ts'), '--once');
    expect(once.code).toBe(0);
    expect(once.stdout).toContain("pipeline 'small' completed");
    expect(once.stdout).toContain('1 micro-batch,');
  });

  it('a runtime failure exits 1 naming the node and batch; the stack only with --debug', async () => {
    const r = await pipe('run', fixture('fails.pipeline.ts'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /pipe: pipeline failed: pipeline 'fails', node 'map_1' \(map\), batch 0: bad record at batch 0 row 42: the function threw: the answer is not allowed/,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const debug = await pipe('run', fixture('fails.pipeline.ts'), '--debug');
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });

  it('SIGTERM: finishes the batch in flight, flushes, exits 0; the sink holds only whole batches', async () => {
    const out = join(tmp, 'ticking');
    const { child, done } = startPipe(['run', fixture('ticking.pipeline.ts')], {
      env: { OUT_DIR: out },
    });
    for (let i = 0; i < 300 && !(existsSync(out) && readdirSync(out).length >= 2); i++)
      await new Promise((r) => setTimeout(r, 50));
    const sentAt = Date.now();
    child.kill('SIGTERM');
    const r = await done;
    expect(Date.now() - sentAt).toBeLessThan(10_000);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('SIGTERM: finishing the batch in flight');
    expect(r.stdout).toMatch(/pipeline 'ticking' stopped in/); // unnamed: its file's name
    const files = readdirSync(out).sort();
    expect(files.every((f) => /^part-\d{5}-[0-9a-f]{8}\.jsonl$/.test(f))).toBe(true);
    // Each file is one whole batch: consecutive row numbers, and the files together have no gap.
    let next = 0;
    for (const f of files) {
      const ns = readFileSync(join(out, f), 'utf8')
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { n: number }).n);
      expect(ns).toEqual(Array.from({ length: ns.length }, (_, i) => next + i));
      next += ns.length;
    }
    const written = Number(/sink_1: ([\d,]+) rows/.exec(r.stdout)?.[1]?.replace(/,/g, ''));
    expect(written).toBe(next);
  });
});

describe('CLI errors: one paragraph, exit 2, no stack', () => {
  const syntax = fixture('.tmp-syntax-error.pipeline.ts');
  afterAll(() => rmSync(syntax, { force: true }));

  it.each([
    [['run', 'missing.pipeline.ts'], /pipe: error: no such file: missing\.pipeline\.ts/],
    [
      ['run', fixture('no-default.pipeline.ts')],
      /has no default export; end it with `export default <pipeline>`/,
    ],
    [
      ['run', fixture('not-a-pipeline.pipeline.ts')],
      /the default export is not a pipeline .*did you forget the \.sink\.xxx\(\.\.\.\)/,
    ],
    [['run', fixture('builder-error.pipeline.ts')], /unknown column 'valeu'/],
    [
      ['run', fixture('invalid-plan.json')],
      /this plan is not valid\nnodes\[1\]\.predicate: unknown column 'b'/,
    ],
    [['frobnicate', 'x.ts'], /unknown command 'frobnicate'/],
    [['run', '--bogus', 'x.ts'], /Unknown option '--bogus' \(see pipe --help\)/],
    [['explain', quickstart, '--once'], /'pipe explain' takes no option --once/],
    [['explain', quickstart, '--format', 'png'], /unknown format 'png' \(use mermaid, json, svg\)/],
    [['run'], /'pipe run' needs a file/],
    [['run', quickstart, '--metrics-port', 'eighty'], /--metrics-port needs a port number/],
    [[], /no command given/],
  ])('pipe %j', async (args, message) => {
    const r = await pipe(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a file that does not compile', async () => {
    copyFileSync(fixture('syntax-error.pipeline.ts.txt'), syntax);
    const r = await pipe('run', syntax);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\.tmp-syntax-error\.pipeline\.ts could not be loaded: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('pipe codegen', () => {
  it('converts a legacy config like pipe-codegen does, and fails with exit 2 on a broken one', async () => {
    const legacy = join(repo, 'test', 'fixtures', 'legacy', 'steps', 'customer-360.json');
    const ok = await pipe('codegen', legacy);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("from '@pipekit/core'");
    expect(ok.stderr).toContain('customer-360.json');
    const broken = join(tmp, 'broken.json');
    writeFileSync(broken, '{"name": "x", "mode": "batch", "steps": [');
    const bad = await pipe('codegen', broken);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('broken.json');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });
});
