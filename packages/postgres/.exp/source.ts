import { secret, type Schema } from '@pipekit/core';
import pino from 'pino';
import { queueScheduler } from 'rxjs';
import { PostgresBatchReader, resolveConnection } from '../src/index.js';
process.env.PIPEKIT_PG_PASSWORD ??= 'pipekit';
const connection = { url: 'postgres://pipekit@127.0.0.1:54329/pipekit_test', password: secret('PIPEKIT_PG_PASSWORD') };
const conn = resolveConnection(connection);
const schema: Schema = { fields: [
  { name: 'id', type: 'long', nullable: false }, { name: 'user_id', type: 'integer', nullable: false },
  { name: 'amount', type: 'double', nullable: false }, { name: 'price', type: 'decimal(12,2)', nullable: false },
  { name: 'country', type: 'string', nullable: false }, { name: 'status', type: 'string', nullable: false },
  { name: 'paid', type: 'boolean', nullable: false }, { name: 'created_at', type: 'timestamp', nullable: false } ] };
for (let r = 0; r < Number(process.env.RUNS ?? 3); r++) {
  const reader = await PostgresBatchReader.open({ type: 'postgres', connection, table: 'exp_pg_rows', fetchSize: 10_000 } as never,
    { nodeId: 'b', schema, toRow: (x: unknown) => ({ ok: true, row: x }) as never, scheduler: queueScheduler, logger: pino({ level: 'silent' }), signal: new AbortController().signal }, conn);
  const t = performance.now(); const cpu = process.cpuUsage();
  let at = reader.initialOffset(); let read = 0;
  while (!reader.isExhausted(at)) { const end = await reader.planBatch(at, {}); if (end === null) break; read += (await reader.readBatch(at, end)).rows.length; at = end; }
  const c = process.cpuUsage(cpu); console.log(read, ((performance.now() - t) / 1000).toFixed(3), 'cpu', ((c.user + c.system) / 1e6).toFixed(3));
  await reader.close();
}
