import { z } from 'zod';
import { deltaSourceSchema } from './delta-source.js';
import { fileSourceSchema } from './file-source.js';
import { generateSourceSchema } from './generate-source.js';
import { kafkaSourceSchema } from './kafka-source.js';
import { kinesisSourceSchema } from './kinesis-source.js';
import { memorySourceSchema } from './memory-source.js';
import { postgresSourceSchema } from './postgres-source.js';
import { socketSourceSchema } from './socket-source.js';

/** The closed set of source kinds; the runtime has one connector per `type`. */
export const sourceSpecSchema = z.discriminatedUnion('type', [
  kafkaSourceSchema,
  postgresSourceSchema,
  deltaSourceSchema,
  fileSourceSchema,
  generateSourceSchema,
  memorySourceSchema,
  kinesisSourceSchema,
  socketSourceSchema,
]);

export type SourceSpec = z.output<typeof sourceSpecSchema>;
export type SourceType = SourceSpec['type'];
