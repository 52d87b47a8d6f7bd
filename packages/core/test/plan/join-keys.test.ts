import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PipekitError, type Plan, parsePlan, source } from '../../src/index.js';

const orders = () =>
  source.memory({ schema: z.object({ userId: z.string(), amount: z.number(), at: z.date() }) });
const users = () =>
  source.memory({ schema: z.object({ userId: z.string(), uid: z.number(), since: z.date() }) });

const joined = (): Plan =>
  orders()
    .join(users(), { on: { left: ['userId', 'at'], right: ['userId', 'since'] }, type: 'left' })
    .sink.console().plan;

function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof PipekitError) return e.message;
    throw e;
  }
  throw new Error('expected a PipekitError');
}

/** A deep copy with the right source's `userId` column made a long. */
function withNumericRightKey(plan: Plan) {
  const bad = JSON.parse(JSON.stringify(plan));
  bad.nodes[1].schema.fields[0].type = 'long';
  return bad;
}

describe('join keys', () => {
  it('accepts keys of comparable types, by name or in pairs', () => {
    expect(parsePlan(JSON.parse(JSON.stringify(joined()))).nodes).toHaveLength(4);
  });

  it('refuses, in a plan read from JSON, a string key joined with a numeric key', () => {
    expect(messageOf(() => parsePlan(withNumericRightKey(joined()), 'plan.json'))).toContain(
      'nodes[2].on.left[0]: join keys are not comparable: left userId is string, right userId is long',
    );
  });

  it('refuses it when the pipeline is built, in code the compiler cannot check', () => {
    const on = { left: ['amount'], right: ['userId'] } as never;
    expect(messageOf(() => orders().join(users(), { on }))).toMatch(
      /\.join\(\.\.\.\) is not valid\non\.left\[0\]: join keys are not comparable: left amount is double, right userId is string \(cast one side first/,
    );
  });

  it('refuses as many left keys as right keys', () => {
    const on = { left: ['userId', 'at'], right: ['userId'] } as never;
    expect(messageOf(() => orders().join(users(), { on }))).toContain(
      'on: join needs as many left keys as right keys: 2 left, 1 right',
    );
  });
});
