import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  count,
  every,
  PipekitError,
  type Plan,
  parsePlan,
  secret,
  source,
  sql,
  sum,
  tumbling,
} from '../../src/index.js';
import { fuzzParameters } from './fuzz-settings.js';
import { type Json, mutatedJson } from './json-mutations.js';

const Event = z.object({ k: z.string(), amount: z.number(), ts: z.date() });
const kafka = () =>
  source.kafka({ brokers: ['127.0.0.1:9092'], topic: 'events', schema: Event, name: 'events' });

/** Valid plans covering the node kinds users write most. */
const plans: Plan[] = [
  kafka()
    .watermark('ts', '10 seconds')
    .window(tumbling('1 minute'))
    .groupBy('k')
    .aggregate({ n: count(), total: sum('amount') })
    .sink.delta({ path: '/tmp/t', checkpoint: '/tmp/c', trigger: every('5 seconds') }).plan,
  kafka()
    .filter(sql`amount > 10 AND k LIKE 'a%'`)
    .withColumn('double', (r) => r.amount.times(2))
    .select('k', 'double', 'ts')
    .sink.postgres({
      connection: { url: 'postgres://u@127.0.0.1:5432/db', password: secret('PW') },
      table: 't',
      mode: 'upsert',
      key: ['k'],
      checkpoint: '/tmp/c2',
    }).plan,
  source
    .file({ path: '/tmp/in', format: 'csv', schema: Event })
    .sink.kafka({ brokers: ['127.0.0.1:9092'], topic: 'out', key: 'k', checkpoint: '/tmp/c3' })
    .plan,
  kafka()
    .join(
      source.postgres({
        connection: { url: 'postgres://u@127.0.0.1:5432/db', password: secret('PW') },
        table: 'users',
        schema: z.object({ k: z.string(), tier: z.enum(['free', 'pro']) }),
      }),
      { on: 'k', type: 'left', lookup: { refresh: '10 minutes' } },
    )
    .select('k', 'tier', 'ts')
    .sink.console().plan,
];
const planJson = plans.map((p) => JSON.parse(JSON.stringify(p)) as Json);

/** parsePlan's outcome: a plan, or a PipekitError whose issues all carry a path. Anything else fails. */
function parseOutcome(input: unknown): 'ok' | 'refused' {
  const started = performance.now();
  try {
    parsePlan(input, 'plan.json');
    return 'ok';
  } catch (e) {
    if (!(e instanceof PipekitError)) throw e;
    expect(e.message.startsWith('plan.json: ')).toBe(true);
    for (const issue of e.issues) {
      expect(Array.isArray(issue.path)).toBe(true);
      expect(typeof issue.message).toBe('string');
    }
    return 'refused';
  } finally {
    // A hang shows as a slow parse: nothing here should take a noticeable time.
    expect(performance.now() - started).toBeLessThan(2_000);
  }
}

describe('parsePlan under hostile input', () => {
  it('the seed plans are valid', () => {
    for (const p of planJson) expect(parseOutcome(p)).toBe('ok');
  });

  it('mutated valid plans are accepted or refused with located issues', () => {
    fc.assert(
      fc.property(mutatedJson(planJson), (plan) => {
        const outcome = parseOutcome(plan);
        // A refusal of a JSON object always says where.
        if (outcome === 'refused' && plan !== null && typeof plan === 'object') {
          try {
            parsePlan(plan);
          } catch (e) {
            expect((e as PipekitError).issues.length).toBeGreaterThan(0);
          }
        }
      }),
      fuzzParameters(400),
    );
  });

  it('random JSON values and texts are refused cleanly', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.json(), fc.string(), fc.anything()), (input) => {
        parseOutcome(input);
      }),
      fuzzParameters(300),
    );
  });

  it('the text of mutated plans, cut or with bytes flipped, is refused cleanly', () => {
    fc.assert(
      fc.property(fc.constantFrom(...planJson), fc.nat(), fc.nat(255), (plan, at, byte) => {
        const text = JSON.stringify(plan);
        const i = at % text.length;
        parseOutcome(text.slice(0, i));
        parseOutcome(text.slice(0, i) + String.fromCharCode(byte) + text.slice(i + 1));
      }),
      fuzzParameters(300),
    );
  });
});
