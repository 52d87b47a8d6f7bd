import { z } from 'zod';
import { secretRefSchema } from '../secret.js';

const offsetsSchema = z.union([
  z.enum(['earliest', 'latest']),
  /** `{ topic: { partition: offset } }`, as Spark's JSON offsets; -2 earliest, -1 latest. */
  z.record(z.string(), z.record(z.string(), z.number().int())),
]);

export const kafkaSecuritySchema = z.strictObject({
  ssl: z
    .union([
      z.boolean(),
      z.strictObject({
        ca: secretRefSchema.optional(),
        cert: secretRefSchema.optional(),
        key: secretRefSchema.optional(),
        rejectUnauthorized: z.boolean().optional(),
      }),
    ])
    .optional(),
  sasl: z
    .strictObject({
      mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']),
      username: z.union([z.string(), secretRefSchema]),
      password: secretRefSchema,
    })
    .optional(),
  /** A Vault-style path that holds the whole credential set (legacy `credentialPath`). */
  credentials: secretRefSchema.optional(),
});

export const kafkaSourceSchema = z
  .strictObject({
    type: z.literal('kafka'),
    brokers: z.array(z.string().min(1)).min(1),
    topic: z.string().min(1).optional(),
    topics: z.array(z.string().min(1)).min(1).optional(),
    topicPattern: z.string().min(1).optional(),
    startingOffsets: offsetsSchema.default('latest'),
    endingOffsets: offsetsSchema.optional(),
    maxOffsetsPerTrigger: z.number().int().positive().optional(),
    format: z.enum(['json', 'string', 'bytes']).default('json'),
    /** Extra columns from the record's metadata, as Spark's Kafka source names them. */
    includeColumns: z
      .array(z.enum(['key', 'headers', 'topic', 'partition', 'offset', 'timestamp']))
      .optional(),
    /** Use the record timestamp as this column's value (event time). */
    timestampColumn: z.string().min(1).optional(),
    groupId: z.string().min(1).optional(),
    failOnDataLoss: z.boolean().default(true),
    ...kafkaSecuritySchema.shape,
  })
  .superRefine((o, ctx) => {
    const subs = [o.topic, o.topics, o.topicPattern].filter((s) => s !== undefined).length;
    if (subs !== 1)
      ctx.addIssue({
        code: 'custom',
        path: ['topic'],
        message: `give exactly one of topic, topics, topicPattern (got ${subs})`,
      });
  });

export type KafkaSourceSpec = z.output<typeof kafkaSourceSchema>;
export type KafkaSourceOptions = Omit<z.input<typeof kafkaSourceSchema>, 'type'>;
