/** Join keys are typed (only comparable types join, the error names both sides); joins and unions compare rows only. */
import { expectTypeOf } from 'vitest';
import { z } from 'zod';
import { epochMillis, type InferRow, source } from '../../src/index.js';
import { purchases } from './fixtures.js';

const p = purchases();
const users = source.memory({
  schema: z.object({ userId: z.string(), country: z.string(), amount: z.number() }),
});
const numericUsers = source.memory({
  schema: z.object({ userId: z.number(), uid: z.string(), since: z.date(), ms: epochMillis() }),
});

// comparable keys: string with string, under one name, a list, or left/right pairs
expectTypeOf<InferRow<ReturnType<typeof joined>>>().toHaveProperty('country');
const joined = () => p.join(users, { on: 'userId' });
p.join(users, { on: ['userId'] });
p.join(numericUsers, { on: { left: ['userId'], right: ['uid'] } });
p.join(numericUsers, { on: { left: ['eventTime', 'amount'], right: ['since', 'userId'] } });
// epoch milliseconds are numbers: they join with numbers
p.join(numericUsers, { on: { left: ['amount'], right: ['ms'] } });

// @ts-expect-error a string key with a numeric key of the same name
p.join(numericUsers, { on: 'userId' });
// @ts-expect-error the same, as a list
p.join(numericUsers, { on: ['userId'] });
// @ts-expect-error pairs: a string with a time
p.join(numericUsers, { on: { left: ['userId'], right: ['since'] } });
// @ts-expect-error pairs: the second pair is a number with a string
p.join(numericUsers, { on: { left: ['userId', 'amount'], right: ['uid', 'uid'] } });
// @ts-expect-error as many left keys as right keys
p.join(numericUsers, { on: { left: ['userId', 'amount'], right: ['uid'] } });
// @ts-expect-error a key missing on one side
p.join(users, { on: 'eventType' });

// the message names both columns and their types
type Message = import('../../src/plan/join-keys.js').JoinOnErrors<
  InferRow<typeof p>,
  InferRow<typeof numericUsers>,
  'userId'
>;
expectTypeOf<Message>().toEqualTypeOf<'join keys are not comparable: left userId is string, right userId is number (cast one side with withColumn)'>();

// rows without a declared schema have no key types to compare: such a join compiles, and the
// runtime check (validatePlan) judges the keys once the schemas are known
const untyped = source.postgres({ connection: { url: 'postgres://db/x' }, table: 'customers' });
p.join(untyped, { on: 'userId' });
p.join(untyped, { on: { left: ['userId'], right: ['id'] } });
untyped.join(users, { on: 'userId', lookup: true });
// @ts-expect-error a key missing on the typed side is still an error
p.join(untyped, { on: 'customerId' });

// streams whose watermarks differ still join and union (only their rows are compared)
const marked = p.watermark('eventTime', '1 minute');
marked.join(users, { on: 'userId' });
p.join(marked, { on: 'userId' });
p.union(marked.filter((r) => r.amount.gt(1)));
marked.union(p);
// @ts-expect-error a union of streams with other columns
p.union(users);

// without a schema the column types are unknown: the check waits for the plan's build
const untypedLeft = source.file({ path: 'a.parquet', format: 'parquet' });
const untypedRight = source.file({ path: 'b.parquet', format: 'parquet' });
untypedLeft.join(untypedRight, { on: { left: ['id'], right: ['customer_id'] } });
p.join(untypedRight, { on: { left: ['userId'], right: ['id'] } });
