import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  between,
  deadLetter,
  explain,
  inSet,
  matches,
  notNull,
  parsePlan,
  rule,
  sinks,
  source,
  sql,
  unique,
} from '../../src/index.js';

const Order = z.object({
  id: z.int(),
  user: z.string().nullable(),
  amount: z.number(),
  card: z.string().meta({ secret: true }),
});
const orders = () => source.memory({ schema: Order });

describe('.expect(...)', () => {
  it('puts the rules in the plan as data, with their failure modes', () => {
    const dlq = sinks.kafka({ brokers: ['127.0.0.1:9092'], topic: 'bad-orders' });
    const plan = orders()
      .expect(
        notNull('user', { onFailure: 'drop' }),
        between('amount', 0, 100, { onFailure: deadLetter(dlq) }),
        unique('id', { onFailure: 'fail' }),
      )
      .expect('big', (r) => r.amount.lt(1000))
      .sink.console().plan;
    const [, first, second] = plan.nodes;
    expect(first).toEqual({
      id: 'expect_1',
      kind: 'expect',
      input: 'memory_1',
      rules: [
        {
          name: 'notNull(user)',
          check: {
            type: 'predicate',
            predicate: { kind: 'isNull', operand: { kind: 'column', name: 'user' }, negated: true },
          },
          onFailure: { type: 'drop' },
        },
        {
          name: 'between(amount, 0, 100)',
          check: {
            type: 'predicate',
            predicate: {
              kind: 'between',
              operand: { kind: 'column', name: 'amount' },
              low: { kind: 'literal', value: 0 },
              high: { kind: 'literal', value: 100 },
              negated: false,
            },
          },
          onFailure: { type: 'deadLetter', sink: dlq },
        },
        {
          name: 'unique(id)',
          check: { type: 'unique', columns: ['id'] },
          onFailure: { type: 'fail' },
        },
      ],
    });
    expect(second).toMatchObject({
      kind: 'expect',
      rules: [{ name: 'big', onFailure: { type: 'warn' } }],
    });
    // The plan reads back through its zod schema unchanged.
    expect(parsePlan(JSON.parse(JSON.stringify(plan)))).toEqual(plan);
    // Secret columns are marked in the schema.
    expect(plan.nodes[0]).toMatchObject({
      schema: {
        fields: expect.arrayContaining([
          { name: 'card', type: 'string', nullable: false, secret: true },
        ]),
      },
    });
  });

  it('explain shows the rules on their node', () => {
    const text = explain(
      orders()
        .expect(
          notNull('user', { onFailure: 'drop' }),
          matches('user', /^u\d+$/),
          inSet('id', [1, 2]),
          rule('positive', sql`amount > 0`, { onFailure: 'fail' }),
          unique(['id', 'user'], {
            onFailure: deadLetter(sinks.file({ path: '/tmp/dlq', format: 'jsonl' })),
          }),
        )
        .sink.console().plan,
    );
    expect(text).toContain('expect_1["expect<br/>notNull(user): user IS NOT NULL → drop<br/>');
    expect(text).toContain('<br/>positive: amount > 0 → fail<br/>');
    expect(text).toContain('unique(id, user): unique per batch (id, user) → dead-letter to file');
  });

  it('refuses a plan whose rule names repeat, or whose rule is not boolean', () => {
    const plan = JSON.parse(
      JSON.stringify(orders().expect(notNull('user'), notNull('id')).sink.console().plan),
    );
    plan.nodes[1].rules[1].name = 'notNull(user)';
    expect(() => parsePlan(plan)).toThrow(/nodes\[1\]\.rules: rule names must be unique/);
    expect(() => orders().expect(rule('not boolean', sql`amount + 1`))).toThrow(
      /rules\[0\]\.check\.predicate: expectation 'not boolean' needs a boolean condition, not double/,
    );
    expect(() => matches('user', /x/i)).toThrow(/regex flags are not supported/);
    expect(() => inSet('id', [])).toThrow(/at least one value/);
  });
});
