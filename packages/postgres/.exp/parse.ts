import { readFileSync } from 'node:fs';
import type { Row, Schema } from '@pipekit/core';
import { columnPlan } from '../src/columns.js';
import { CopyTextParser } from '../src/copy-out.js';
const data = readFileSync('/tmp/exp/dump.tsv');
const schema: Schema = { fields: [
  { name: 'id', type: 'long', nullable: false }, { name: 'user_id', type: 'integer', nullable: false },
  { name: 'amount', type: 'double', nullable: false }, { name: 'price', type: 'decimal(12,2)', nullable: false },
  { name: 'country', type: 'string', nullable: false }, { name: 'status', type: 'string', nullable: false },
  { name: 'paid', type: 'boolean', nullable: false }, { name: 'created_at', type: 'timestamp', nullable: false } ] };
const fields = [['id',20],['user_id',23],['amount',701],['price',1700],['country',25],['status',25],['paid',16],['created_at',1184]].map(([name, dataTypeID]) => ({ name: name as string, dataTypeID: dataTypeID as number }));
const plan = columnPlan(fields, schema, 'x');
for (let r = 0; r < 5; r++) {
  const p = new CopyTextParser(fields.length, plan);
  const t = performance.now(); const cpu = process.cpuUsage();
  let out: Row[] = [];
  let n = 0;
  for (let i = 0; i < data.length; i += 65536) {
    p.push(data.subarray(i, Math.min(i + 65536, data.length)), out);
    if (out.length >= 10000) { n += out.length; out = []; }
  }
  p.end();
  n += out.length;
  const c = process.cpuUsage(cpu); console.log(n, ((performance.now() - t) / 1000).toFixed(3), ((c.user + c.system) / 1e6).toFixed(3));
}
