import { copyChunks, writerFor, encoderFor } from '../src/copy-text.js';
const countries = ['DE', 'FR', 'US', 'JP', 'BR', 'IN', 'GB', 'ES'];
const statuses = ['paid', 'shipped', 'new', 'cancelled'];
function makeRows(from: number, n: number): Record<string, unknown>[] {
  const base = Date.UTC(2024, 0, 1);
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    return { id: i, user_id: i % 100_000, amount: (i % 1000) * 1.25, price: Math.round(i % 100_000) / 100,
      country: countries[i % 8], status: statuses[i % 4], paid: i % 3 === 0, created_at: new Date(base + i * 1000) };
  });
}
const names = ['id','user_id','amount','price','country','status','paid','created_at'];
const types = ['bigint','integer','double precision','numeric(12,2)','text','text','boolean','timestamp with time zone'];
const writers = types.map(writerFor);
const batches = Array.from({ length: 10 }, (_, b) => makeRows(b * 100_000, 100_000));
// equivalence against the string encoders
const enc = types.map(encoderFor);
const oldText = (rows: Record<string, unknown>[]) => rows.map((r) => names.map((n, j) => r[n] == null ? '\\N' : enc[j]!(r[n])).join('\t') + '\n').join('');
const sample = batches[9]!.slice(0, 20000);
const newText = Buffer.concat([...copyChunks(sample, names, writers)]).toString('utf8');
console.log('equal', newText === oldText(sample));
for (let r = 0; r < 5; r++) {
  const t = performance.now();
  let bytes = 0;
  for (const rows of batches) for (const c of copyChunks(rows, names, writers)) bytes += c.length;
  console.log(((performance.now() - t) / 1000).toFixed(3), bytes);
}
