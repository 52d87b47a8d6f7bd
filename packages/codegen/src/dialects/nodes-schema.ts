import { z } from 'zod';

const name = z.string().min(1);
const params = z.record(z.string(), z.unknown());

/** A streaming node (tauro): `{ name, input, transforms?, output, streaming }`. */
export const nodeSchema = z.strictObject({
  name,
  description: z.string().optional(),
  input: params,
  transforms: z.array(z.unknown()).optional(),
  output: params,
  streaming: params.optional(),
});

/** A pipeline of nodes, with streaming defaults for every node. */
export const nodePipelineSchema = z.strictObject({
  name: name.optional(),
  description: z.string().optional(),
  type: z.enum(['streaming', 'hybrid']).default('streaming'),
  nodes: z.array(z.unknown()).min(1),
  streaming: params.optional(),
});

/** A delay as Spark takes it: an interval string, or milliseconds (zero included). */
export const watermarkSchema = z.strictObject({ column: name, delay: z.union([name, z.number()]) });

export const inputSchema = z.strictObject({
  format: name,
  path: name.optional(),
  options: params.default({}),
  parse_json: z.boolean().optional(),
  json_schema: z.string().optional(),
  watermark: z.unknown().optional(),
});

export const outputSchema = z.strictObject({
  format: name,
  path: name.optional(),
  table_name: name.optional(),
  options: params.default({}),
});

export const streamingSchema = z.strictObject({
  trigger: z
    .strictObject({
      type: z.enum(['processing_time', 'once', 'available_now', 'continuous']),
      interval: z.union([name, z.number()]).optional(),
    })
    .optional(),
  output_mode: z.enum(['append', 'update', 'complete']).optional(),
  checkpoint_location: name.optional(),
  query_name: name.optional(),
});
