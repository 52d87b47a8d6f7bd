import {
  type ExprNode,
  type IssuePath,
  type Policy,
  printSql,
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
 * Validation rules as a condition. `onFailure: continue` keeps the rows that pass (a filter);
 * `warn` and `abort` have no pipekit form and are reported.
 */
export function validation(ctx: Ctx, raw: unknown, input: Ref, add: (s: Step) => Ref): Ref {
  if (raw === undefined) return input;
  const at: IssuePath = ['validation'];
  const v = ctx.parse(validationSchema, raw, at, keys(validationSchema));
  if (!v.enabled || v.rules.length === 0) return input;
  const parts: ExprNode[] = [];
  const names: string[] = [];
  v.rules.forEach((r, i) => {
    const col = (c: string): ExprNode => ({ kind: 'column', name: c });
    for (const c of r.columns) {
      if (r.ruleType === 'NotNull') parts.push({ kind: 'isNull', operand: col(c), negated: true });
      else {
        const min = r.parameters?.min;
        const max = r.parameters?.max;
        if (min === undefined && max === undefined)
          ctx.fail(
            [...at, 'rules', i, 'parameters'],
            'a Range rule needs parameters.min or parameters.max',
          );
        if (min !== undefined)
          parts.push({
            kind: 'binary',
            op: '>=',
            left: col(c),
            right: { kind: 'literal', value: min },
          });
        if (max !== undefined)
          parts.push({
            kind: 'binary',
            op: '<=',
            left: col(c),
            right: { kind: 'literal', value: max },
          });
      }
    }
    names.push(r.ruleName ?? `${r.ruleType} ${r.columns.join(', ')}`);
  });
  const tree = parts.reduce((a, b) => ({ kind: 'binary', op: 'and', left: a, right: b }));
  const text = printSql(tree);
  if (v.onFailure !== 'continue') {
    const what = v.onFailure === 'warn' ? 'log a warning and keep the rows' : 'stop the pipeline';
    ctx.notCarriedOver(
      at,
      `validation rules ${names.map((n) => `'${n}'`).join(', ')} with onFailure '${v.onFailure}' (pipekit has no step that would ${what} when \`${text}\` is false)`,
    );
    return input;
  }
  return add({
    kind: 'filter',
    input,
    condition: tree,
    text,
    path: at,
    comments: [
      `Validation ${names.map((n) => `'${n}'`).join(', ')} (onFailure: continue): rows that fail it are dropped.`,
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
      'circuitBreaker (pipekit has no circuit breaker)',
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
