import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Pipeline, parsePlan } from '@pipekit/core';
import { describe, expect, it } from 'vitest';

const examplesDir = dirname(dirname(fileURLToPath(import.meta.url)));
const exampleFiles = readdirSync(examplesDir).filter((f) => f.endsWith('.pipeline.ts'));

describe('examples', () => {
  it('there are at least five', () => {
    expect(exampleFiles.length).toBeGreaterThanOrEqual(5);
  });

  it.each(exampleFiles)('%s round-trips its plan through JSON and parsePlan', async (file) => {
    const mod = (await import(join(examplesDir, file))) as { default: Pipeline | Pipeline[] };
    const pipelines = Array.isArray(mod.default) ? mod.default : [mod.default];
    for (const p of pipelines) {
      const json = JSON.stringify(p.plan);
      expect(parsePlan(json, file)).toEqual(p.plan);
    }
  });

  it('a misspelled column in a copy of an example fails tsc, naming the column', () => {
    const original = readFileSync(join(examplesDir, 'kafka-to-delta.pipeline.ts'), 'utf8');
    expect(original).toContain("sum('amount')");
    const broken = original.replace("sum('amount')", "sum('amuont')");
    // Inside examples/ so that @pipekit/core and zod resolve as they do for the real file.
    const dir = mkdtempSync(join(examplesDir, '.tmp-typo-'));
    try {
      writeFileSync(join(dir, 'typo.pipeline.ts'), broken);
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          extends: '../../tsconfig.base.json',
          compilerOptions: { noEmit: true },
          include: ['typo.pipeline.ts'],
        }),
      );
      const tsc = join(examplesDir, '..', 'node_modules', 'typescript', 'bin', 'tsc');
      let output = '';
      try {
        execFileSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], {
          encoding: 'utf8',
          timeout: 120_000,
        });
      } catch (e) {
        output = String((e as { stdout?: string }).stdout ?? '');
      }
      expect(output).toContain('typo.pipeline.ts');
      expect(output).toContain('error TS');
      expect(output).toContain('"amuont"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
