import { z } from 'zod';
import { boolLike, intLike, listLike, portLike, positiveIntLike } from '../convert/values.js';

/** The step-list dialect (Scala orchestration app): `{ name, mode, steps: [{ type, method, config }] }`. */
export const stepsFileSchema = z.strictObject({
  name: z.string().min(1),
  mode: z.enum(['batch', 'streaming']),
  description: z.string().optional(),
  steps: z.array(z.unknown()).min(1),
});

export const stepSchema = z.strictObject({
  type: z.enum(['extract', 'transform', 'load']),
  method: z.string().min(1),
  name: z.string().optional(),
  description: z.string().optional(),
  config: z.record(z.string(), z.unknown()).default({}),
});

const name = z.string().min(1);
const offsets = z.union([z.string(), z.record(z.string(), z.unknown())]);
const registerAs = { registerAs: name.optional() };
const connection = {
  credentialPath: name.optional(),
  url: name.optional(),
  host: name.optional(),
  port: portLike.optional(),
  database: name.optional(),
  user: name.optional(),
  password: name.optional(),
};
const query = {
  checkpointLocation: name.optional(),
  outputMode: z.enum(['append', 'update', 'complete']).optional(),
  trigger: name.optional(),
  queryName: name.optional(),
};

export const stepMethods = {
  extract: {
    fromKafka: z.strictObject({
      topic: name,
      credentialPath: name.optional(),
      startingOffsets: offsets.optional(),
      endingOffsets: offsets.optional(),
      maxOffsetsPerTrigger: positiveIntLike.optional(),
      failOnDataLoss: boolLike.optional(),
      minPartitions: positiveIntLike.optional(),
      ...registerAs,
    }),
    fromPostgres: z.strictObject({
      table: name.optional(),
      query: name.optional(),
      ...connection,
      cache: boolLike.optional(),
      cacheStorageLevel: name.optional(),
      ...registerAs,
    }),
    fromS3: z.strictObject({ path: name, format: name.optional(), ...registerAs }),
    fromDeltaLake: z.strictObject({
      path: name,
      version: intLike.refine((v) => v >= 0, 'expected a version ≥ 0').optional(),
      ...registerAs,
    }),
  },
  transform: {
    filterRows: z.strictObject({ condition: name, ...registerAs }),
    joinDataFrames: z.strictObject({
      inputDataFrames: z.tuple([name, name]),
      joinType: z
        .enum([
          'inner',
          'left',
          'right',
          'full',
          'outer',
          'left_outer',
          'right_outer',
          'full_outer',
        ])
        .default('inner'),
      leftKeys: listLike,
      rightKeys: listLike.optional(),
      ...registerAs,
    }),
    aggregateData: z.strictObject({
      /** Empty (or absent): the whole input is one group, as Spark's `groupBy()`. */
      groupBy: z.union([listLike, z.array(z.string()).length(0)]).default([]),
      aggregations: z
        .record(z.string().min(1), z.string().min(1))
        .refine((a) => Object.keys(a).length > 0, 'expected at least one aggregation'),
      ...registerAs,
    }),
    repartition: z.strictObject({ numPartitions: positiveIntLike, ...registerAs }),
    repartitionByColumns: z.strictObject({
      columns: listLike,
      numPartitions: positiveIntLike.optional(),
      ...registerAs,
    }),
    coalesce: z.strictObject({ numPartitions: positiveIntLike, ...registerAs }),
  },
  load: {
    toDeltaLake: z.strictObject({
      path: name,
      mode: z.enum(['append', 'overwrite']).optional(),
      partitionBy: listLike.optional(),
      mergeSchema: boolLike.optional(),
      ...query,
    }),
    toKafka: z.strictObject({ topic: name, credentialPath: name.optional(), ...query }),
    toPostgres: z.strictObject({
      table: name,
      mode: z.enum(['append', 'overwrite']).optional(),
      ...connection,
      ...query,
    }),
    toS3: z.strictObject({
      path: name,
      format: name.optional(),
      partitionBy: listLike.optional(),
      ...query,
    }),
  },
} as const;

export type StepType = keyof typeof stepMethods;
export type MethodConfig<T extends StepType, M extends keyof (typeof stepMethods)[T]> = z.output<
  (typeof stepMethods)[T][M] & z.ZodType
>;
