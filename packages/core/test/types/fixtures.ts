import { z } from 'zod';
import { epochMillis, source } from '../../src/index.js';

export const Purchase = z.object({
  /** Who bought: the shop's user id. */
  userId: z.string(),
  eventType: z.enum(['view', 'purchase']),
  /** What was paid, in euros, tax included. */
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

export const Click = z.object({
  userId: z.string(),
  /** The page's path, without the query string. */
  page: z.string(),
  ts: epochMillis(),
});
