import { describe, expect, it } from 'vitest';
import { ConvertError, convertConfig } from '../src/index.js';

function errorOf(file: string, text: string): ConvertError {
  try {
    convertConfig(file, text);
  } catch (e) {
    if (e instanceof ConvertError) return e;
    throw e;
  }
  throw new Error('expected a ConvertError');
}

const steps = (step: object) => JSON.stringify({ name: 'p', mode: 'streaming', steps: [step] });
const kafkaExtract = { type: 'extract', method: 'fromKafka', config: { topic: 't' } };
const node = (input: object, streaming: object = {}) =>
  JSON.stringify({ name: 'n', input, output: { format: 'console' }, streaming });

describe('conversion errors name the file, the JSON path, what is wrong and what is supported', () => {
  it('an unknown method', () => {
    const e = errorOf('legacy/a.json', steps({ type: 'extract', method: 'fromMongo', config: {} }));
    expect(e.message).toBe(
      "legacy/a.json: steps[0].method: unknown extract method 'fromMongo' (supported: fromKafka, fromPostgres, fromS3, fromDeltaLake)",
    );
    expect(e.path).toEqual(['steps', 0, 'method']);
  });

  it('an unknown input format', () => {
    const e = errorOf('n.json', node({ format: 'pulsar' }));
    expect(e.message).toMatch(
      /^n\.json: input\.format: unknown input format 'pulsar' \(supported: kafka, delta_stream, file_stream/,
    );
  });

  it('a format the DSL cannot read', () => {
    const e = errorOf('n.yaml', 'name: n\ninput:\n  format: socket\noutput:\n  format: console\n');
    expect(e.message).toBe(
      "n.yaml: input.format: input format 'socket' has no pipekit source (supported: kafka, delta_stream, file_stream, rate, memory)",
    );
  });

  it('an unknown file format', () => {
    const e = errorOf(
      's.json',
      steps({ type: 'extract', method: 'fromS3', config: { path: 's3a://b/x/*.orc' } }),
    );
    expect(e.message).toBe(
      "s.json: steps[0].config.path: cannot tell the file format of 's3a://b/x/*.orc' from its extension: give format (supported: json, csv, parquet)",
    );
  });

  it('an unknown transform', () => {
    const etl = {
      pipelineId: 'p',
      extract: { sourceType: 'kafka', topic: 't' },
      transforms: [{ transformType: 'pivot', parameters: {} }],
      load: { sinkType: 'console' },
    };
    const e = errorOf('etl.json', JSON.stringify(etl));
    expect(e.message).toBe(
      "etl.json: transforms[0].transformType: unknown transformType 'pivot' (supported: filter, aggregation)",
    );
  });

  it('an unknown option', () => {
    const e = errorOf(
      'a.json',
      steps({ ...kafkaExtract, config: { topic: 't', groupIdPrefix: 'x' } }),
    );
    expect(e.message).toMatch(
      /^a\.json: steps\[0\]\.config\.groupIdPrefix: unknown option 'groupIdPrefix' \(supported: topic, credentialPath,/,
    );
  });

  it('two Kafka subscriptions', () => {
    const input = {
      format: 'kafka',
      options: { 'kafka.bootstrap.servers': 'b:9092', subscribe: 'a', subscribePattern: 'a.*' },
    };
    const e = errorOf('n.json', node(input));
    expect(e.message).toBe(
      'n.json: input.options.subscribePattern: conflicting options: subscribe and subscribePattern (a Kafka input subscribes one way) (supported: exactly one of subscribe, subscribePattern, assign)',
    );
  });

  it('a zero interval', () => {
    const input = { format: 'rate', options: {} };
    const e = errorOf(
      'n.json',
      node(input, { trigger: { type: 'processing_time', interval: '0 seconds' } }),
    );
    expect(e.message).toMatch(
      /^n\.json: streaming\.trigger\.interval: invalid duration: '0 seconds' is not a duration: it must be positive/,
    );
    expect(e.message).toContain('(supported: a positive interval of at most 365 days');
  });

  it('an interval over 365 days', () => {
    const e = errorOf(
      'a.json',
      JSON.stringify({
        name: 'p',
        mode: 'streaming',
        steps: [
          kafkaExtract,
          { type: 'load', method: 'toDeltaLake', config: { path: '/x', trigger: '400 days' } },
        ],
      }),
    );
    expect(e.message).toMatch(
      /^a\.json: steps\[1\]\.config\.trigger: invalid duration: '400 days' is too long/,
    );
  });

  it('broken JSON', () => {
    const e = errorOf('broken.json', '{\n  "name": "p",\n  "steps": [\n}');
    expect(e.message).toMatch(/^broken\.json: invalid JSON at line 4, column 1: Unexpected token/);
  });

  it('truncated JSON: says the file ends early and which object is left open', () => {
    const e = errorOf(
      'cut.json',
      '{\n  "name": "p",\n  "mode": "batch",\n  "steps": [\n    {"type": "extract"',
    );
    expect(e.message).toMatch(
      /^cut\.json: invalid JSON: unexpected end of file at line 5, column 23: the object opened at line 5, column 5 is never closed\n/,
    );
    expect(errorOf('cut.json', '{"a": "abc').message).toMatch(
      /unexpected end of file at line 1, column 11: the string opened at line 1, column 7 is never closed/,
    );
  });

  it('a key present with the wrong type says what it found, not that it is missing', () => {
    const e = errorOf('w.json', steps({ ...kafkaExtract, config: { topic: 5 } }));
    expect(e.message).toBe('w.json: steps[0].config.topic: expected a string, found the number 5');
    const missing = errorOf('m.json', steps({ ...kafkaExtract, config: {} }));
    expect(missing.message).toBe('m.json: steps[0].config.topic: is missing: expected a string');
    const etl = {
      pipelineId: 'p',
      extract: { sourceType: 'kafka', topic: 't' },
      transforms: [],
      streamingConfigJson: { watermark: { eventTimeColumn: 'ts', delayThreshold: ['5s'] } },
      load: { sinkType: 'console' },
    };
    expect(errorOf('e.json', JSON.stringify(etl)).message).toBe(
      'e.json: streamingConfigJson.watermark.delayThreshold: expected a string or a number, found an array',
    );
  });

  it('a bad port says what was found and what a port is', () => {
    const pg = (port: unknown) =>
      steps({
        type: 'extract',
        method: 'fromPostgres',
        config: { table: 't', host: 'db', port, database: 'd', user: 'u' },
      });
    expect(errorOf('p.json', pg('54x')).message).toBe(
      'p.json: steps[0].config.port: expected a whole number, found the string "54x"',
    );
    expect(errorOf('p.json', pg(70000)).message).toBe(
      'p.json: steps[0].config.port: expected a port number from 1 to 65535, found the number 70000',
    );
    expect(errorOf('p.json', pg(true)).message).toBe(
      'p.json: steps[0].config.port: expected a number or a string, found the boolean true',
    );
  });

  it('an unknown enum value lists the accepted ones', () => {
    const load = {
      type: 'load',
      method: 'toDeltaLake',
      config: { path: '/x', outputMode: 'updates' },
    };
    const e = errorOf(
      'o.json',
      JSON.stringify({ name: 'p', mode: 'streaming', steps: [kafkaExtract, load] }),
    );
    expect(e.message).toBe(
      'o.json: steps[1].config.outputMode: unknown value "updates" (supported: append, update, complete)',
    );
  });

  it('broken YAML', () => {
    const e = errorOf('broken.yaml', 'name: n\ninput:\n  format: [kafka\noutput: x\n');
    expect(e.message).toMatch(/^broken\.yaml: invalid YAML at line \d+, column \d+: /);
  });

  it('a condition that does not parse', () => {
    const e = errorOf(
      'a.json',
      JSON.stringify({
        name: 'p',
        mode: 'streaming',
        steps: [
          kafkaExtract,
          { type: 'transform', method: 'filterRows', config: { condition: 'amount >> 5' } },
        ],
      }),
    );
    expect(e.message).toMatch(
      /^a\.json: steps\[1\]\.config\.condition: the condition does not parse: unexpected '>', expected an expression at 1:9 \(supported: Spark SQL/,
    );
    expect(e.message).toContain('\n  amount >> 5\n          ^');
  });

  it('an unregistered DataFrame', () => {
    const join = {
      type: 'transform',
      method: 'joinDataFrames',
      config: { inputDataFrames: ['a', 'b'], leftKeys: ['id'] },
    };
    const e = errorOf(
      'a.json',
      JSON.stringify({
        name: 'p',
        mode: 'batch',
        steps: [{ ...kafkaExtract, config: { topic: 't', registerAs: 'a' } }, join],
      }),
    );
    expect(e.message).toBe(
      "a.json: steps[1].config.inputDataFrames[1]: unknown DataFrame 'b' (supported: names registered before this step: a)",
    );
  });

  it('a column the schema does not have', () => {
    const etl = {
      pipelineId: 'p',
      extract: {
        sourceType: 'kafka',
        topic: 't',
        schema: { fields: [{ name: 'a', type: 'string' }] },
      },
      transforms: [{ transformType: 'filter', parameters: { condition: "b = 'x'" } }],
      load: { sinkType: 'console' },
    };
    const e = errorOf('etl.json', JSON.stringify(etl));
    expect(e.message).toMatch(
      /^etl\.json: transforms\[0\]: \.filter\(\.\.\.\) is not valid: unknown column 'b'/,
    );
  });

  it('a plan pipekit refuses, at the step that makes it', () => {
    const extract = (topic: string) => ({
      type: 'extract',
      method: 'fromKafka',
      config: { topic, registerAs: topic },
    });
    const join = {
      type: 'transform',
      method: 'joinDataFrames',
      config: { inputDataFrames: ['a', 'b'], leftKeys: ['id'] },
    };
    const load = { type: 'load', method: 'toDeltaLake', config: { path: '/x' } };
    const e = errorOf(
      'j.json',
      JSON.stringify({
        name: 'p',
        mode: 'streaming',
        steps: [extract('a'), extract('b'), join, load],
      }),
    );
    expect(e.message).toMatch(
      /^j\.json: steps\[2\]: stream–stream join 'join_1' needs a time bound/,
    );
  });

  it('a config of no known dialect', () => {
    expect(errorOf('x.json', '{"foo": 1}').message).toMatch(
      /^x\.json: cannot tell which legacy dialect this is \(supported: step-list/,
    );
  });
});

describe('secrets', () => {
  it('never copies an inline password and says which variable to set', () => {
    const cfg = {
      type: 'extract',
      method: 'fromPostgres',
      config: { table: 'users', host: 'db', user: 'u', password: 'p@ss-w0rd', registerAs: 'users' },
    };
    const c = convertConfig(
      's.json',
      JSON.stringify({
        name: 'p',
        mode: 'batch',
        steps: [cfg, { type: 'load', method: 'toDeltaLake', config: { path: '/x' } }],
      }),
    );
    expect(JSON.stringify(c.plan)).not.toContain('p@ss-w0rd');
    expect(c.plan.nodes[0]).toMatchObject({
      source: { connection: { password: { secret: 'USERS_DB_PASSWORD', provider: 'env' } } },
    });
    expect(c.warnings).toContainEqual({
      kind: 'check',
      path: ['steps', 0, 'config', 'password'],
      message:
        'the config holds an inline password; it is not copied into the code: set the environment variable USERS_DB_PASSWORD',
    });
  });

  it('keeps a credentialPath as a Vault-style reference', () => {
    const c = convertConfig(
      's.json',
      JSON.stringify({
        name: 'p',
        mode: 'streaming',
        steps: [
          { ...kafkaExtract, config: { topic: 't', credentialPath: 'secret/data/kafka/prod' } },
          { type: 'load', method: 'toDeltaLake', config: { path: '/x' } },
        ],
      }),
    );
    expect(c.plan.nodes[0]).toMatchObject({
      source: { credentials: { secret: 'secret/data/kafka/prod', provider: 'vault' } },
    });
  });
});
