import { z } from 'zod';

/** Every node has a plan-unique id; `name` is the user's name for the stream it produces. */
export const nodeBase = {
  id: z.string().min(1),
  name: z.string().min(1).optional(),
};

export const singleInput = { ...nodeBase, input: z.string().min(1) };
