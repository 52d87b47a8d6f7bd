import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseSqlExpression, validatePlan } from '@pipekit/core';
import { describe, expect, it } from 'vitest';
import { fieldCode, propertyKey } from '../src/convert/zod-fields.js';
import { generate } from '../src/index.js';
import { ExprPrinter } from '../src/print/expr.js';
import { biomeFormatter } from '../src/print/format.js';
import { schema, typed } from './expr-cases.js';
import {
  configsIn,
  evaluate,
  fixturesDir,
  generatedDir,
  legacyDir,
  outName,
  read,
  repoRoot,
  writeGenerated,
  writeGeneratedTsconfig,
} from './helpers.js';
import { runtimeProblems } from './validate.js';

const legacy = configsIn(legacyDir).filter((c) => c.file !== 'README.md');
// The Spark oracle's configs are snapshotted and checked like the others, but for those Spark
// refused (the converter refuses them too); its inputs and Spark's outputs are no configs.
const fixtures = configsIn(fixturesDir).filter(
  (c) => !/^spark-oracle\/(inputs|expected)\//.test(c.file) && !/-rejected\.json$/.test(c.file),
);

/** Converts, snapshots, evaluates: the generated file's plan must be the converter's plan. */
async function roundTrip(file: string, path: string, snapshotDir: string, outDir: string) {
  const { code, conversion } = generate(file, read(path));
  expect(code).not.toMatch(/\bany\b/);
  expect(code).not.toMatch(/hunter2|s3cret|topsecret/);
  await expect(code).toMatchFileSnapshot(`__snapshots__/${snapshotDir}/${outName(file)}.snap`);
  const pipeline = await evaluate(writeGenerated(join(outDir, outName(file)), code));
  expect(pipeline.plan).toEqual(conversion.plan);
  expect(validatePlan(pipeline.plan)).toEqual([]);
  expect(runtimeProblems(pipeline.plan)).toBe('');
  expect(JSON.parse(JSON.stringify(pipeline.plan))).toEqual(pipeline.plan);
}

describe('the legacy examples', () => {
  it('are all here', () => {
    expect(legacy.map((c) => c.file.split('/')[0])).toEqual(
      expect.arrayContaining(['steps', 'etl', 'nodes']),
    );
    expect(legacy.length).toBeGreaterThanOrEqual(13);
  });
  it.each(legacy)(
    '$file converts to code whose plan is the converter’s',
    async ({ file, path }) => {
      await roundTrip(file, path, 'legacy', 'legacy');
    },
  );
});

describe('more configs of each dialect', () => {
  it.each(fixtures)(
    '$file converts to code whose plan is the converter’s',
    async ({ file, path }) => {
      await roundTrip(file, path, 'fixtures', 'fixtures');
    },
  );
});

describe('the generated files', () => {
  it('include the typed code of every condition of the expression cases', () => {
    const printer = new ExprPrinter(schema);
    const codes = schema.fields.map((f) => ({ name: f.name, ...fieldCode(f) }));
    const fields = codes.map((c) => `${propertyKey(c.name)}: ${c.code}`);
    const helpers = [
      ...new Set([
        'and',
        'col',
        'fn',
        'lit',
        'or',
        'source',
        'when',
        ...codes.flatMap((c) => c.helpers),
      ]),
    ].sort();
    const filters = typed.map(
      (text) => `  rows.filter((r) => ${printer.predicate(parseSqlExpression(text))?.code}),`,
    );
    const code = [
      `import { ${helpers.join(', ')} } from '@pipekit/core';`,
      "import { z } from 'zod';",
      `const Row = z.object({ ${fields.join(', ')} });`,
      'const rows = source.memory({ schema: Row });',
      'export const typedConditions = [',
      ...filters,
      '];',
      `void [${helpers.filter((h) => h !== 'source').join(', ')}];`,
      '',
    ].join('\n');
    writeGenerated('expressions.ts', code);
    expect(code).not.toContain('undefined');
  });

  it('are formatted with the repository’s Biome settings: biome check leaves them unchanged', () => {
    const biome = JSON.parse(read(join(repoRoot, 'biome.json'))) as {
      formatter: Record<string, unknown>;
      javascript: { formatter: Record<string, unknown> };
    };
    expect(biome.formatter).toEqual(biomeFormatter.formatter);
    expect(biome.javascript.formatter).toEqual(biomeFormatter.javascript.formatter);
    const generated = [...legacy, ...fixtures].map((c) =>
      join(generatedDir, legacy.includes(c) ? 'legacy' : 'fixtures', outName(c.file)),
    );
    const biomeBin = join(repoRoot, 'node_modules', '.bin', 'biome');
    let output = '';
    try {
      // The repository's own biome.json and CLI, on the generated files as they are on disk.
      execFileSync(
        biomeBin,
        ['check', '--vcs-use-ignore-file=false', '--files-ignore-unknown=true', ...generated],
        { encoding: 'utf8', stdio: 'pipe', cwd: repoRoot },
      );
    } catch (e) {
      const out = e as { stdout?: string; stderr?: string };
      output = `${out.stdout ?? ''}${out.stderr ?? ''}` || String(e);
    }
    expect(output).toBe('');
  }, 60_000);

  it('pass tsc --noEmit under the strict settings', () => {
    const tsconfig = writeGeneratedTsconfig();
    const tsc = join(repoRoot, 'node_modules', '.bin', 'tsc');
    let output = '';
    try {
      execFileSync(tsc, ['-p', tsconfig], { encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      output = String((e as { stdout?: string }).stdout ?? e);
    }
    expect(output).toBe('');
  }, 120_000);
});
