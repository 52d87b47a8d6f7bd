import type { IssuePath, Policy } from '@pipekit/core';
import type { Ctx } from '../../convert/context.js';
import type { AggregateStep, QueryDraft, Ref, Step } from '../../convert/ir.js';
import { duration } from '../../convert/values.js';
import type { StreamingConfig } from '../etl-schema.js';
import { kafkaSink } from './quality.js';

const at = (k: string): IssuePath => ['streamingConfigJson', k];

/**
 * `lateDataConfig` and `stateTimeout`, applied to the last aggregation (the one whose state they
 * are about): the pipeline's late policy, or a side output whose sink `separateSink` adds.
 */
export function lateData(
  ctx: Ctx,
  sc: StreamingConfig,
  brokers: string[] | undefined,
  steps: Step[],
  aggregates: readonly Ref[],
): { late?: Policy; separate?: { path: string } } {
  const last = aggregates[aggregates.length - 1];
  let late: Policy | undefined;
  let separate: { path: string } | undefined;
  const l = sc.lateDataConfig;
  if (l) {
    const p = at('lateDataConfig');
    if (l.strategy === 'Drop') late = { type: 'drop' };
    else if (l.strategy === 'LogAndDrop') late = { type: 'log' };
    else if (l.strategy === 'SendToDLQ') {
      if (l.dlqTopic === undefined)
        ctx.fail([...p, 'dlqTopic'], 'strategy SendToDLQ needs dlqTopic');
      late = { type: 'deadLetter', sink: kafkaSink(ctx, brokers, l.dlqTopic, [...p, 'dlqTopic']) };
    } else {
      if (l.separatePath === undefined)
        ctx.fail([...p, 'separatePath'], 'strategy SeparateStream needs separatePath');
      if (last === undefined)
        ctx.notCarriedOver(
          p,
          'lateDataConfig SeparateStream: there is no aggregation, so no row is ever late',
        );
      else separate = { path: l.separatePath };
    }
  }
  if (sc.stateTimeout !== undefined) {
    const ms = duration(ctx, sc.stateTimeout, at('stateTimeout'));
    if (last === undefined)
      ctx.notCarriedOver(
        at('stateTimeout'),
        `stateTimeout '${sc.stateTimeout}' (no aggregation holds state)`,
      );
    else steps[last] = { ...(steps[last] as AggregateStep), stateTimeout: ms };
  }
  if (separate && last !== undefined)
    steps[last] = { ...(steps[last] as AggregateStep), late: { type: 'sideOutput' } };
  return { ...(late ? { late } : {}), ...(separate ? { separate } : {}) };
}

/**
 * The SeparateStream side output: the late rows of `aggregate` to their own Delta table. It is
 * written in the main query's micro-batches: same trigger, same checkpoint (the query's, set on the
 * main sink). A trigger or checkpoint of its own would make it another query, which cannot see the
 * late rows of this one.
 */
export function separateSink(
  aggregate: Ref,
  separate: { path: string },
  query: QueryDraft,
  add: (s: Step) => Ref,
): void {
  const lateRows = add({ kind: 'lateRows', input: aggregate, path: at('lateDataConfig') });
  add({
    kind: 'sink',
    input: lateRows,
    path: [...at('lateDataConfig'), 'separatePath'],
    sink: { type: 'delta', path: separate.path },
    query: query.trigger === undefined ? {} : { trigger: query.trigger },
    comments: [
      "Late rows (lateDataConfig SeparateStream) go to their own Delta table, written in the main query's micro-batches (its trigger and checkpoint).",
    ],
  });
}
