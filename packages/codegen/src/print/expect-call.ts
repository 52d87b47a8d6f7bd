import type { ExpectationRule, PlanNodeOf } from '@pipekit/core';
import { Code, callEmit, importsOf } from './code.js';
import type { ConditionPrinter } from './conditions.js';
import { dotted, type Emit } from './emit.js';
import { onFailureValue } from './specs.js';

/**
 * `.expect('name', condition, { onFailure })` for one condition; several rules as
 * `.expect(rule(...), unique(...))`, so the plan keeps one expect step with all its rules.
 */
export function expectCall(
  conditions: ConditionPrinter,
  imports: Set<string>,
  n: PlanNodeOf<'expect'>,
): Emit {
  const options = (r: ExpectationRule, name: boolean): Record<string, unknown> => ({
    ...(name ? { name: r.name } : {}),
    ...(r.onFailure.type === 'warn' ? {} : { onFailure: onFailureValue(r.onFailure) }),
  });
  const only = n.rules.length === 1 ? n.rules[0] : undefined;
  if (only?.check.type === 'predicate') {
    const opts = options(only, false);
    importsOf(opts, imports);
    const cond = new Code(conditions.condition(n.id, only.check.predicate, 'filter'));
    const args = Object.keys(opts).length === 0 ? [only.name, cond] : [only.name, cond, opts];
    return dotted(callEmit('expect', args));
  }
  const rules = n.rules.map((r) => {
    if (r.check.type === 'unique') {
      imports.add('unique');
      const cols = r.check.columns;
      const opts = options(r, r.name !== `unique(${cols.join(', ')})`);
      importsOf(opts, imports);
      const args = Object.keys(opts).length === 0 ? [cols] : [cols, opts];
      return new Code(callEmit('unique', args));
    }
    imports.add('rule');
    const opts = options(r, false);
    importsOf(opts, imports);
    const cond = new Code(conditions.condition(n.id, r.check.predicate, 'filter'));
    const args = Object.keys(opts).length === 0 ? [r.name, cond] : [r.name, cond, opts];
    return new Code(callEmit('rule', args));
  });
  return dotted(callEmit('expect', rules));
}
