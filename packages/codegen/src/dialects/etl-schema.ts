import { z } from 'zod';
import {
  boolLike,
  intLike,
  listLike,
  numberLike,
  portLike,
  positiveIntLike,
} from '../convert/values.js';

const name = z.string().min(1);
const params = z.record(z.string(), z.unknown());

/** The ETL framework dialect: `{ pipelineId, extract, transforms, load, streamingConfigJson }`. */
export const etlFileSchema = z.strictObject({
  pipelineId: name,
  name: z.string().optional(),
  description: z.string().optional(),
  mode: z.enum(['streaming', 'batch']).default('streaming'),
  extract: params,
  transforms: z.array(z.unknown()).default([]),
  load: params,
  streamingConfigJson: z.unknown().optional(),
  validation: z.unknown().optional(),
  errorHandlingConfig: z.unknown().optional(),
});

export const etlFieldSchema = z.strictObject({
  name,
  type: name,
  nullable: boolLike.optional(),
  metadata: params.optional(),
  description: z.string().optional(),
});

const schema = z.strictObject({
  fields: z.array(etlFieldSchema).min(1),
  type: z.literal('struct').optional(),
});
const common = {
  schema: schema.optional(),
  schemaName: name.optional(),
  description: z.string().optional(),
};
const credentials = { credentialId: name.optional(), credentialPath: name.optional() };

export const etlSources = {
  kafka: z.strictObject({
    sourceType: z.literal('kafka'),
    topic: name,
    connectionParams: params.default({}),
    ...credentials,
    ...common,
  }),
  postgresql: z.strictObject({
    sourceType: z.literal('postgresql'),
    table: name.optional(),
    query: name.optional(),
    connectionParams: params.default({}),
    ...credentials,
    ...common,
  }),
  s3: z.strictObject({
    sourceType: z.literal('s3'),
    path: name,
    format: name.optional(),
    ...common,
  }),
  deltalake: z.strictObject({
    sourceType: z.literal('deltalake'),
    path: name,
    version: intLike.optional(),
    ...common,
  }),
};

export const kafkaConnectionSchema = z.strictObject({
  'kafka.bootstrap.servers': name.optional(),
  'kafka.group.id': name.optional(),
  'kafka.security.protocol': name.optional(),
  'kafka.sasl.mechanism': name.optional(),
  'kafka.sasl.jaas.config': name.optional(),
  startingOffsets: z.unknown().optional(),
  endingOffsets: z.unknown().optional(),
  failOnDataLoss: boolLike.optional(),
  maxOffsetsPerTrigger: positiveIntLike.optional(),
});

export const postgresConnectionSchema = z.strictObject({
  url: name.optional(),
  host: name.optional(),
  port: portLike.optional(),
  database: name.optional(),
  user: name.optional(),
  password: name.optional(),
  driver: name.optional(),
});

export const etlTransformSchema = z.strictObject({
  transformType: name,
  name: z.string().optional(),
  description: z.string().optional(),
  parameters: params.default({}),
});

export const etlTransforms = {
  filter: z.strictObject({ condition: name }),
  aggregation: z.strictObject({
    groupByColumns: listLike.optional(),
    windowColumn: name.optional(),
    windowDuration: name.optional(),
    slideDuration: name.optional(),
    aggregations: name,
  }),
};

const writeMode = z.enum(['append', 'overwrite']);
export const etlSinks = {
  postgresql: z.strictObject({
    sinkType: z.literal('postgresql'),
    table: name,
    writeMode: z.enum(['append', 'upsert', 'overwrite']).optional(),
    primaryKey: listLike.optional(),
    connectionParams: params.default({}),
    ...credentials,
  }),
  deltalake: z.strictObject({
    sinkType: z.literal('deltalake'),
    path: name,
    writeMode: writeMode.optional(),
    partitionBy: listLike.optional(),
    mergeSchema: boolLike.optional(),
  }),
  kafka: z.strictObject({
    sinkType: z.literal('kafka'),
    topic: name,
    connectionParams: params.default({}),
    ...credentials,
  }),
  s3: z.strictObject({
    sinkType: z.literal('s3'),
    path: name,
    format: name.optional(),
    writeMode: z.literal('append').optional(),
    partitionBy: listLike.optional(),
  }),
  console: z.strictObject({
    sinkType: z.literal('console'),
    numRows: positiveIntLike.optional(),
    truncate: boolLike.optional(),
  }),
};

/** The parts of a config object a schema knows, for "unknown option" errors. */
export const keys = (s: z.ZodObject) => Object.keys(s.shape);

export const streamingConfigSchema = z.strictObject({
  checkpointLocation: name.optional(),
  queryName: name.optional(),
  outputMode: z.enum(['append', 'update', 'complete']).optional(),
  triggerMode: name.optional(),
  watermark: z
    .strictObject({ eventTimeColumn: name, delayThreshold: z.union([name, z.number()]) })
    .optional(),
  maxRecordsPerTrigger: positiveIntLike.optional(),
  maxFilesPerTrigger: positiveIntLike.optional(),
  stateTimeout: name.optional(),
  enableIdempotence: boolLike.optional(),
  lateDataConfig: z
    .strictObject({
      strategy: z.enum(['Drop', 'LogAndDrop', 'SendToDLQ', 'SeparateStream']),
      dlqTopic: name.optional(),
      separatePath: name.optional(),
    })
    .optional(),
});

export const validationSchema = z.strictObject({
  enabled: boolLike.default(true),
  onFailure: z.enum(['abort', 'continue', 'warn']).default('abort'),
  rules: z.array(
    z.strictObject({
      ruleType: z.enum(['NotNull', 'Range']),
      ruleName: z.string().optional(),
      description: z.string().optional(),
      columns: listLike,
      parameters: z
        .strictObject({ min: numberLike.optional(), max: numberLike.optional() })
        .optional(),
      severity: z.enum(['error', 'warning', 'info']).optional(),
    }),
  ),
});

export const errorHandlingSchema = z.strictObject({
  retryStrategy: params.optional(),
  circuitBreaker: params.optional(),
  deadLetterQueue: z
    .strictObject({
      type: z.enum(['kafka', 's3', 'deltalake']),
      topic: name.optional(),
      path: name.optional(),
      format: name.optional(),
    })
    .optional(),
  failFast: boolLike.optional(),
});

export type StreamingConfig = z.output<typeof streamingConfigSchema>;
