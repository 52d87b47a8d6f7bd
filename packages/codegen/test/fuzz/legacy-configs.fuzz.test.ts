import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { ts } from 'ts-morph';
import { afterAll, describe, expect, it } from 'vitest';
import { fuzzParameters } from '../../../core/test/fuzz/fuzz-settings.js';
import { type Json, mutatedJson } from '../../../core/test/fuzz/json-mutations.js';
import { mutatedText } from '../../../core/test/fuzz/sql-text.js';
import { main } from '../../src/cli.js';
import { ConvertError } from '../../src/errors.js';
import { generate } from '../../src/index.js';

/**
 * The legacy fixtures, mutated: `generate` gives code that parses as TypeScript or a ConvertError
 * with a path; `pipe-codegen` exits 0 or 2 and never prints a stack trace.
 */

const legacy = fileURLToPath(new URL('../../../../test/fixtures/legacy/', import.meta.url));
const fixtures = readdirSync(legacy, { recursive: true, encoding: 'utf8' })
  .filter((f) => /\.(json|ya?ml)$/.test(f))
  .map((f) => ({ name: f, text: readFileSync(join(legacy, f), 'utf8') }));
const jsonFixtures = fixtures
  .filter((f) => f.name.endsWith('.json'))
  .map((f) => JSON.parse(f.text) as Json);

/** Generates, and checks the outcome: TypeScript without syntax errors, or a ConvertError. */
function convertOutcome(name: string, text: string): 'code' | 'refused' {
  try {
    const { code } = generate(name, text);
    const out = ts.transpileModule(code, { reportDiagnostics: true, fileName: 'x.pipeline.ts' });
    const syntax = (out.diagnostics ?? []).map((d) =>
      ts.flattenDiagnosticMessageText(d.messageText, '\n'),
    );
    expect(syntax, code).toEqual([]);
    return 'code';
  } catch (e) {
    if (!(e instanceof ConvertError)) throw e;
    expect(e.message.startsWith(name)).toBe(true);
    return 'refused';
  }
}

const dir = mkdtempSync(join(tmpdir(), 'pipekit-fuzz-codegen-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pipe-codegen on mutated legacy configs', () => {
  it('the fixtures convert', () => {
    for (const f of fixtures) expect(convertOutcome(f.name, f.text)).toBe('code');
  });

  it('structurally mutated JSON configs: code that parses, or a ConvertError', () => {
    fc.assert(
      fc.property(mutatedJson(jsonFixtures), (config) => {
        convertOutcome('config.json', JSON.stringify(config, null, 2));
      }),
      fuzzParameters(150),
    );
  });

  it('configs cut or with characters changed: code that parses, or a ConvertError', () => {
    fc.assert(
      fc.property(
        mutatedText(fc.constantFrom(...fixtures.map((f) => f.text))),
        fc.constantFrom('config.json', 'config.yaml'),
        (text, name) => {
          convertOutcome(name, text);
        },
      ),
      fuzzParameters(150),
    );
  });

  it('the command exits 0 or 2 and prints no stack trace', () => {
    let n = 0;
    fc.assert(
      fc.property(mutatedJson(jsonFixtures), (config) => {
        const file = join(dir, `c${n++}.json`);
        writeFileSync(file, JSON.stringify(config));
        let err = '';
        const code = main([file], { stdout: () => {}, stderr: (t) => (err += t) });
        expect([0, 2]).toContain(code);
        expect(err).not.toMatch(/\n\s+at .*:\d+:\d+/);
        expect(err).not.toContain('internal error');
      }),
      fuzzParameters(60),
    );
  });
});
