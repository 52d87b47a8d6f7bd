import {
  type ExpectationRule,
  type ExprNode,
  type IssuePath,
  type Policy,
  type SinkSpec,
  sinks,
} from '@pipekit/core';
import { missingBrokers } from '../../convert/connections.js';
import type { Ctx } from '../../convert/context.js';
import type { Ref, Step } from '../../convert/ir.js';
import { errorHandlingSchema, keys, validationSchema } from '../etl-schema.js';

/** A Kafka sink on the extract's brokers, for a dead-letter or late-data topic. */
export function kafkaSink(
  ctx: Ctx,
  brokers: string[] | undefined,
  topic: string,
  path: IssuePath,
): SinkSpec {
  const list = brokers ?? missingBrokers(ctx, path, `topic '${topic}'`).brokers;
  return sinks.kafka({ brokers: list, topic });
}

/**
 * Validation rules as expectations (one per rule and column). The block's `onFailure` applies to
 * rules of severity `error` (the default): `abort` stops the query (`fail`), `continue` drops the
 * failing rows (`drop`), `warn` keeps and counts them (`warn`). Rules of severity `warning` or
 * `info` never stop or drop anything in the old framework: they only warn.
 */
export function validation(ctx: Ctx, raw: unknown, input: Ref, add: (s: Step) => Ref): Ref {
  if (raw === undefined) return input;
  const at: IssuePath = ['validation'];
  const v = ctx.parse(validationSchema, raw, at, keys(validationSchema));
  if (!v.enabled || v.rules.length === 0) return input;
  const mode = { abort: 'fail', continue: 'drop', warn: 'warn' } as const;
  const col = (c: string): ExprNode => ({ kind: 'column', name: c });
  const lit = (n: number): ExprNode => ({ kind: 'literal', value: n });
  const rules: ExpectationRule[] = [];
  v.rules.forEach((r, i) => {
    const onFailure = {
      type: r.severity === 'warning' || r.severity === 'info' ? 'warn' : mode[v.onFailure],
    } as const;
    const min = r.parameters?.min;
    const max = r.parameters?.max;
    if (r.ruleType === 'Range' && min === undefined && max === undefined)
      ctx.fail(
        [...at, 'rules', i, 'parameters'],
        'a Range rule needs parameters.min or parameters.max',
      );
    for (const c of r.columns) {
      const base = r.ruleName ?? `${r.ruleType} ${c}`;
      const name = r.ruleName !== undefined && r.columns.length > 1 ? `${base} (${c})` : base;
      const predicate: ExprNode =
        r.ruleType === 'NotNull'
          ? { kind: 'isNull', operand: col(c), negated: true }
          : min !== undefined && max !== undefined
            ? { kind: 'between', operand: col(c), low: lit(min), high: lit(max), negated: false }
            : min !== undefined
              ? { kind: 'binary', op: '>=', left: col(c), right: lit(min) }
              : { kind: 'binary', op: '<=', left: col(c), right: lit(max ?? 0) };
      rules.push({ name, check: { type: 'predicate', predicate }, onFailure });
    }
  });
  const soft = v.rules.filter((r) => r.severity === 'warning' || r.severity === 'info');
  return add({
    kind: 'expect',
    input,
    rules,
    path: at,
    comments: [
      `Validation (onFailure: ${v.onFailure}): a failing row ${v.onFailure === 'abort' ? 'stops the query' : v.onFailure === 'continue' ? 'is dropped' : 'is kept, counted and logged'}${soft.length > 0 ? `; rules of severity warning or info (${soft.map((r) => `'${r.ruleName ?? r.ruleType}'`).join(', ')}) only warn` : ''}.`,
    ],
  });
}

export function errorHandling(
  ctx: Ctx,
  raw: unknown,
  brokers: string[] | undefined,
): Policy | undefined {
  if (raw === undefined) return undefined;
  const at: IssuePath = ['errorHandlingConfig'];
  const e = ctx.parse(errorHandlingSchema, raw, at, keys(errorHandlingSchema));
  if (e.retryStrategy)
    ctx.notCarriedOver(
      [...at, 'retryStrategy'],
      'retryStrategy (pipekit restarts a failed query from its checkpoint; it has no retry settings)',
    );
  if (e.circuitBreaker && e.circuitBreaker.enabled !== false)
    ctx.notCarriedOver(
      [...at, 'circuitBreaker'],
      'circuitBreaker (every pipekit sink has a circuit breaker; its settings belong to the run, RunOptions.sinkCircuit, not to the pipeline)',
    );
  let policy: Policy | undefined;
  const dlq = e.deadLetterQueue;
  if (dlq) {
    const p = [...at, 'deadLetterQueue'];
    if (dlq.type === 'kafka') {
      if (dlq.topic === undefined) ctx.fail([...p, 'topic'], 'a kafka deadLetterQueue needs topic');
      policy = { type: 'deadLetter', sink: kafkaSink(ctx, brokers, dlq.topic, [...p, 'topic']) };
    } else {
      if (dlq.path === undefined)
        ctx.fail([...p, 'path'], `a ${dlq.type} deadLetterQueue needs path`);
      policy = {
        type: 'deadLetter',
        sink:
          dlq.type === 'deltalake'
            ? sinks.delta({ path: dlq.path })
            : sinks.file({ path: dlq.path, format: 'jsonl' }),
      };
    }
  }
  if (e.failFast === true) {
    if (policy)
      ctx.notCarriedOver(
        [...at, 'failFast'],
        'failFast true (bad records go to the deadLetterQueue instead of stopping the pipeline)',
      );
    else policy = { type: 'fail' };
  }
  return policy;
}
