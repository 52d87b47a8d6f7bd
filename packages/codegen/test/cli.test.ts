import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import { legacyDir, packageDir, repoRoot } from './helpers.js';

function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

const temp = () => mkdtempSync(join(tmpdir(), 'pipe-codegen-'));
const eventStream = join(legacyDir, 'steps', 'event-stream.json');

describe('pipe-codegen', () => {
  it('writes the code of one file to stdout, warnings and a summary to stderr', () => {
    const r = run(eventStream);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\/\*\*\n \* event-stream: converted by pipe-codegen/);
    expect(r.stdout).toContain("import { every, pipeline, source } from '@pipekit/core';");
    expect(r.stderr).toContain(
      `warning: the config names no Kafka brokers for topic 'events': 'localhost:9092' is a placeholder to replace at ${eventStream}:steps[0].config.topic`,
    );
    expect(r.stderr.trim().split('\n').pop()).toBe(`${eventStream}: converted with 2 warnings`);
  });

  it('writes -o, and --check exits 1 only when the file would change', () => {
    const dir = temp();
    const out = join(dir, 'event-stream.pipeline.ts');
    expect(run(eventStream, '-o', out).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(run(eventStream).stdout);
    expect(run(eventStream, '-o', out, '--check').code).toBe(0);
    writeFileSync(out, `${readFileSync(out, 'utf8')}// edited\n`);
    const changed = run(eventStream, '-o', out, '--check');
    expect(changed.code).toBe(1);
    expect(changed.stderr).toContain(`(${out} would change)`);
    expect(readFileSync(out, 'utf8')).toContain('// edited');
  });

  it('converts directories into --out-dir, one summary line per file', () => {
    const dir = temp();
    const r = run(legacyDir, '--out-dir', dir);
    expect(r.code).toBe(0);
    const summaries = r.stderr
      .split('\n')
      .filter((l) => / converted|: failed/.test(l) && !l.startsWith('warning:'));
    expect(summaries).toHaveLength(13);
    expect(summaries).toContain(
      `${join(legacyDir, 'etl', 'fraud-detection.json')}: converted → ${join(dir, 'etl', 'fraud-detection.pipeline.ts')}`,
    );
    expect(readFileSync(join(dir, 'nodes', 'events_to_delta.pipeline.ts'), 'utf8')).toContain(
      "topic: 'events-topic'",
    );
    expect(run(legacyDir, '--out-dir', dir, '--check').code).toBe(0);
  });

  it('fails with exit code 2, one clear message and no stack trace', () => {
    const dir = temp();
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({
        name: 'p',
        mode: 'streaming',
        steps: [{ type: 'extract', method: 'fromKinesis', config: {} }],
      }),
    );
    const r = run(bad, eventStream, '--out-dir', dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `error: ${bad}: steps[0].method: unknown extract method 'fromKinesis' (supported: fromKafka, fromPostgres, fromS3, fromDeltaLake)\n${bad}: failed\n`,
    );
    expect(r.stderr).toContain(`${eventStream}: converted with 2 warnings`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses wrong usage with exit code 2', () => {
    expect(run().code).toBe(2);
    expect(run(legacyDir).stderr).toContain('several configs need --out-dir');
    expect(run(eventStream, '--check').stderr).toContain('--check compares with files');
    expect(run(eventStream, '--dialect', 'xml').stderr).toContain("unknown dialect 'xml'");
    expect(run('nope.json').stderr).toContain('nope.json: no such file or directory');
  });

  it('forces a dialect with --dialect', () => {
    const r = run(eventStream, '--dialect', 'etl');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: ${eventStream}: pipelineId: is missing`);
  });

  it('runs as a command: npx pipe-codegen legacy.json > legacy.pipeline.ts', () => {
    const bin = join(packageDir, 'bin', 'pipe-codegen.js');
    const ok = spawnSync(process.execPath, [bin, eventStream], { cwd: repoRoot, encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toBe(run(eventStream).stdout);
    const dir = temp();
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'name: x\ninput: [\n');
    const bad = spawnSync(process.execPath, [bin, broken], { cwd: repoRoot, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(
      new RegExp(
        // The text stops inside a list: the message says the file ends early.
        `^error: ${broken.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: invalid YAML: unexpected end of file at line \\d+, column \\d+: `,
      ),
    );
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
