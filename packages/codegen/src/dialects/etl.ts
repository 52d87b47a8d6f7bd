import type { IssuePath, Trigger } from '@pipekit/core';
import type { Ctx } from '../convert/context.js';
import type { Flow, QueryDraft, Ref, Step } from '../convert/ir.js';
import { duration, stringTrigger } from '../convert/values.js';
import { extract } from './etl/extract.js';
import { lateData, separateSink } from './etl/late-data.js';
import { load } from './etl/load.js';
import { errorHandling, validation } from './etl/quality.js';
import { transform } from './etl/transforms.js';
import { etlFileSchema, keys, type StreamingConfig, streamingConfigSchema } from './etl-schema.js';

/**
 * The ETL framework dialect as a flow: extract, watermark, transforms, late data, validation,
 * load (and the late rows' side table), with the error-handling policy. Each part has its file in
 * `etl/`.
 */
export function convertEtl(ctx: Ctx, data: unknown): Flow {
  const top = ctx.parse(etlFileSchema, data, [], keys(etlFileSchema));
  const batch = top.mode === 'batch';
  const sc: StreamingConfig =
    top.streamingConfigJson === undefined
      ? {}
      : ctx.parse(
          streamingConfigSchema,
          top.streamingConfigJson,
          ['streamingConfigJson'],
          keys(streamingConfigSchema),
        );
  const scPath = (k: string): IssuePath => ['streamingConfigJson', k];
  const steps: Step[] = [];
  const add = (s: Step): Ref => steps.push(s) - 1;

  const source = extract(ctx, top.extract, sc, batch);
  let current = add(source.step);
  const brokers = source.brokers;
  const columns = source.step.fields?.map((f) => f.name) ?? null;

  if (sc.watermark) {
    const delay = duration(
      ctx,
      sc.watermark.delayThreshold,
      [...scPath('watermark'), 'delayThreshold'],
      { allowZero: true },
    );
    current = add({
      kind: 'watermark',
      input: current,
      column: sc.watermark.eventTimeColumn,
      delay,
      path: scPath('watermark'),
    });
  }
  const aggregates: Ref[] = [];
  top.transforms.forEach((raw, i) => {
    const step = transform(ctx, raw, i, current, columns, sc);
    current = add(step);
    if (step.kind === 'aggregate') aggregates.push(current);
  });
  const { late, separate } = lateData(ctx, sc, brokers, steps, aggregates);

  current = validation(ctx, top.validation, current, add);
  const query = queryOf(ctx, sc, batch);
  const sink = load(ctx, top.load, current, query, sc);
  add(
    sc.outputMode === undefined
      ? sink
      : { ...sink, outputModePath: ['streamingConfigJson', 'outputMode'] },
  );
  const last = aggregates[aggregates.length - 1];
  if (separate && last !== undefined) separateSink(last, separate, query, add);
  const badRecords = errorHandling(ctx, top.errorHandlingConfig, brokers);
  return {
    name: top.pipelineId,
    dialect: 'etl',
    steps,
    ...(late ? { late } : {}),
    ...(badRecords ? { badRecords } : {}),
  };
}

function queryOf(ctx: Ctx, sc: StreamingConfig, batch: boolean): QueryDraft {
  let trigger: Trigger | undefined;
  if (sc.triggerMode !== undefined)
    trigger = stringTrigger(ctx, sc.triggerMode, ['streamingConfigJson', 'triggerMode']);
  if (batch && trigger === undefined) trigger = undefined;
  return {
    ...(trigger ? { trigger } : {}),
    ...(sc.outputMode === undefined ? {} : { outputMode: sc.outputMode }),
    ...(sc.checkpointLocation === undefined ? {} : { checkpoint: sc.checkpointLocation }),
    ...(sc.queryName === undefined ? {} : { queryName: sc.queryName }),
  };
}
