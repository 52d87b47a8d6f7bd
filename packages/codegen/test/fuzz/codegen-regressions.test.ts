import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConvertError } from '../../src/errors.js';
import { generate } from '../../src/index.js';

// Counterexamples the legacy-config fuzzer found, kept so the fixes stay fixed.

const fraud = () =>
  JSON.parse(
    readFileSync(
      new URL('../../../../test/fixtures/legacy/etl/fraud-detection.json', import.meta.url),
      'utf8',
    ),
  ) as {
    extract: { schema: { fields: { name: string; type: string }[] } };
    load: { sinkType: string };
    transforms: { transformType: string }[];
  };

function refusal(config: unknown): ConvertError {
  try {
    generate('fraud.json', JSON.stringify(config));
  } catch (e) {
    if (e instanceof ConvertError) return e;
    throw e;
  }
  throw new Error('expected a ConvertError');
}

describe('fuzz regressions: pipe-codegen', () => {
  // seed 376725857: `sinkType: "constructor"` found Object.prototype.constructor as a sink schema
  // and crashed with "Cannot convert undefined or null to object".
  it('a sinkType named like an Object.prototype member is an unknown sinkType', () => {
    const config = fraud();
    config.load.sinkType = 'constructor';
    expect(refusal(config).message).toMatch(/load\.sinkType.*unknown sinkType "constructor"/s);
  });

  it('a transformType named like an Object.prototype member is unknown', () => {
    const config = fraud();
    (config.transforms[0] as { transformType: string }).transformType = 'toString';
    expect(refusal(config).message).toMatch(
      /transforms\[0\]\.transformType.*unknown transformType 'toString'/s,
    );
  });

  // The command-level fuzzer's counterexample: a column `type: "constructor"` was an internal error.
  it('a column type named like an Object.prototype member is an unknown type', () => {
    const config = fraud();
    (config.extract.schema.fields[2] as { type: string }).type = 'constructor';
    expect(refusal(config).message).toMatch(
      /extract\.schema\.fields\[2\]\.type.*unknown type 'constructor'/s,
    );
  });
});

describe('fuzz regressions: YAML', () => {
  // seed 1060526556: `"name":*"event-stream"` is an alias to an unset anchor; the yaml library
  // threw a ReferenceError while building the value, an internal error.
  it('an alias to an anchor never set is invalid YAML, with a fix', () => {
    const text = 'name: *event-stream\nmode: streaming\nsteps: []\n';
    let error: unknown;
    try {
      generate('config.yaml', text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConvertError);
    expect((error as ConvertError).message).toMatch(
      /^config\.yaml: invalid YAML: Unresolved alias/,
    );
  });
});
