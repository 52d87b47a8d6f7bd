import type { IssuePath } from '@pipekit/core';
import type { z } from 'zod';
import { etlAggregates } from '../../convert/aggregates.js';
import { condition } from '../../convert/conditions.js';
import type { Ctx } from '../../convert/context.js';
import type { AggregateStep, Ref, Step } from '../../convert/ir.js';
import { ownValue } from '../../convert/own.js';
import { duration } from '../../convert/values.js';
import { etlTransformSchema, etlTransforms, keys, type StreamingConfig } from '../etl-schema.js';

type AggregationParameters = z.output<typeof etlTransforms.aggregation>;

/** One of `transforms`: a filter, or an aggregation (grouped, windowed, or the whole stream). */
export function transform(
  ctx: Ctx,
  raw: unknown,
  index: number,
  input: Ref,
  columns: readonly string[] | null,
  sc: StreamingConfig,
): Step {
  const path: IssuePath = ['transforms', index];
  const t = ctx.parse(etlTransformSchema, raw, path, keys(etlTransformSchema));
  const schema = ownValue(etlTransforms as Readonly<Record<string, z.ZodObject>>, t.transformType);
  if (!schema)
    ctx.fail(
      [...path, 'transformType'],
      `unknown transformType '${t.transformType}'`,
      Object.keys(etlTransforms).join(', '),
    );
  const at: IssuePath = [...path, 'parameters'];
  if (t.transformType === 'filter') {
    const p = ctx.parse(etlTransforms.filter, t.parameters, at, keys(etlTransforms.filter));
    return {
      kind: 'filter',
      input,
      condition: condition(ctx, p.condition, [...at, 'condition']),
      text: p.condition,
      path,
    };
  }
  const p = ctx.parse(etlTransforms.aggregation, t.parameters, at, keys(etlTransforms.aggregation));
  const { items, comments } = etlAggregates(ctx, p.aggregations, columns, [...at, 'aggregations']);
  const window = windowOf(ctx, p, at, sc);
  return {
    kind: 'aggregate',
    input,
    // No groupByColumns and no window: the whole stream is one group.
    keys: p.groupByColumns ?? [],
    ...(window ? { window } : {}),
    aggregates: items,
    comments,
    path,
  };
}

/** `windowColumn` + `windowDuration` (+ `slideDuration`): a tumbling or sliding window. */
function windowOf(
  ctx: Ctx,
  p: AggregationParameters,
  at: IssuePath,
  sc: StreamingConfig,
): AggregateStep['window'] {
  if ((p.windowColumn === undefined) !== (p.windowDuration === undefined))
    ctx.fail(
      [...at, p.windowColumn === undefined ? 'windowDuration' : 'windowColumn'],
      'a window needs both windowColumn and windowDuration',
    );
  if (p.slideDuration !== undefined && p.windowDuration === undefined)
    ctx.fail([...at, 'slideDuration'], 'slideDuration needs windowColumn and windowDuration');
  if (p.windowColumn === undefined || p.windowDuration === undefined) return undefined;
  const size = duration(ctx, p.windowDuration, [...at, 'windowDuration']);
  const spec =
    p.slideDuration === undefined
      ? { type: 'tumbling' as const, size }
      : {
          type: 'sliding' as const,
          size,
          slide: duration(ctx, p.slideDuration, [...at, 'slideDuration']),
        };
  return {
    spec,
    ...(sc.watermark?.eventTimeColumn === p.windowColumn ? {} : { column: p.windowColumn }),
  };
}
