import { z } from 'zod';
import { secretRefSchema } from '../secret.js';

const offsetsSchema = z.union([
  z.enum(['earliest', 'latest']),
  /** `{ topic: { partition: offset } }`, as Spark's JSON offsets; -2 earliest, -1 latest. */
  z.record(z.string(), z.record(z.string(), z.number().int())),
]);

export const kafkaSecuritySchema = z.strictObject({
  /** TLS to the brokers: `true`, or certificates as secret references. Default: no TLS. */
  ssl: z
    .union([
      z.boolean(),
      z.strictObject({
        /** The CA certificate (PEM), as `secret('KAFKA_CA')`. Default: the system's CAs. */
        ca: secretRefSchema.optional(),
        /** The client certificate (PEM) for mutual TLS. */
        cert: secretRefSchema.optional(),
        /** The client key (PEM) for mutual TLS. */
        key: secretRefSchema.optional(),
        /** Refuse brokers whose certificate does not verify. Default: `true`. */
        rejectUnauthorized: z.boolean().optional(),
      }),
    ])
    .optional(),
  /** SASL authentication: `{ mechanism: 'scram-sha-512', username, password: secret('KAFKA_PASSWORD') }`. */
  sasl: z
    .strictObject({
      /** `'plain'`, `'scram-sha-256'` or `'scram-sha-512'`. */
      mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']),
      /** The user name, or a secret reference to it. */
      username: z.union([z.string(), secretRefSchema]),
      /** The password: only ever a secret reference, `secret('KAFKA_PASSWORD')`. */
      password: secretRefSchema,
    })
    .optional(),
  /** A Vault-style path that holds the whole credential set (legacy `credentialPath`). */
  credentials: secretRefSchema.optional(),
});

export const kafkaSourceSchema = z
  .strictObject({
    type: z.literal('kafka'),
    /** Bootstrap brokers, `host:port`: `brokers: ['localhost:9092']`. */
    brokers: z.array(z.string().min(1)).min(1),
    /** The topic to read (give exactly one of topic, topics, topicPattern). */
    topic: z.string().min(1).optional(),
    /** Several topics to read: `topics: ['clicks', 'views']`. */
    topics: z.array(z.string().min(1)).min(1).optional(),
    /** Every topic whose name matches this regular expression: `topicPattern: 'events-.*'`. */
    topicPattern: z.string().min(1).optional(),
    /**
     * Where a new query starts: `'earliest'`, `'latest'` (default) or per-partition offsets
     * `{ topic: { '0': 42 } }`. A restarted query resumes from its checkpoint instead.
     */
    startingOffsets: offsetsSchema.default('latest'),
    /** Where a batch query stops (the query is bounded when given): `'latest'` or offsets. Default: none. */
    endingOffsets: offsetsSchema.optional(),
    /** At most this many records per micro-batch, over all partitions. Default: no limit. */
    maxOffsetsPerTrigger: z.number().int().positive().optional(),
    /** How values are read: `'json'` (default; checked against the schema), `'string'` or `'bytes'`. */
    format: z.enum(['json', 'string', 'bytes']).default('json'),
    /** Extra columns from the record's metadata, as Spark's Kafka source names them. */
    includeColumns: z
      .array(z.enum(['key', 'headers', 'topic', 'partition', 'offset', 'timestamp']))
      .optional(),
    /** Use the record timestamp as this column's value (event time). */
    timestampColumn: z.string().min(1).optional(),
    /** The consumer group id (offsets are kept in the checkpoint, not in the group). Default: one per query. */
    groupId: z.string().min(1).optional(),
    /** Fail when offsets were deleted before they were read (as Spark); `false` skips ahead. Default: `true`. */
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
