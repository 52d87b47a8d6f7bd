import { z } from 'zod';
import { epochMillis, source } from '../../src/index.js';

export const Purchase = z.object({
  userId: z.string(),
  eventType: z.enum(['view', 'purchase']),
  amount: z.number(),
  quantity: z.int().nullable(),
  eventTime: z.date(),
  vip: z.boolean(),
});

export const purchases = () =>
  source.memory({
    schema: Purchase,
    rows: [
      {
        userId: 'u1',
        eventType: 'purchase',
        amount: 10,
        quantity: 1,
        eventTime: new Date(0),
        vip: false,
      },
    ],
  });

export const Click = z.object({ userId: z.string(), page: z.string(), ts: epochMillis() });
