import { z } from 'zod';
import type { OutputMode } from '../trigger.js';
import { consoleSinkSchema } from './console-sink.js';
import { deltaSinkSchema } from './delta-sink.js';
import { fileSinkSchema } from './file-sink.js';
import { kafkaSinkSchema } from './kafka-sink.js';
import { kinesisSinkSchema } from './kinesis-sink.js';
import { memorySinkSchema } from './memory-sink.js';
import { postgresSinkSchema } from './postgres-sink.js';

export const sinkSpecSchema = z.discriminatedUnion('type', [
  deltaSinkSchema,
  kafkaSinkSchema,
  postgresSinkSchema,
  fileSinkSchema,
  consoleSinkSchema,
  memorySinkSchema,
  kinesisSinkSchema,
]);

export type SinkSpec = z.output<typeof sinkSpecSchema>;
export type SinkType = SinkSpec['type'];

/**
 * The output modes each sink can take, as in Spark: a file sink only appends; Delta appends or
 * rewrites the table (complete) but cannot update rows in place from a stream.
 */
export const sinkOutputModes = {
  delta: ['append', 'complete'],
  kafka: ['append', 'update', 'complete'],
  postgres: ['append', 'update', 'complete'],
  file: ['append'],
  console: ['append', 'update', 'complete'],
  memory: ['append', 'update', 'complete'],
  kinesis: ['append', 'update'],
} as const satisfies Record<SinkType, readonly OutputMode[]>;

export type SinkOutputModes = typeof sinkOutputModes;
