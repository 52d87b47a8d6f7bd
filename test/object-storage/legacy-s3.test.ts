import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { convertConfig } from '@pipekit/codegen';
import type { Plan, PlanNode } from '@pipekit/core';
import { DeltaTable } from '@pipekit/delta';
import { runPipeline } from '@pipekit/runtime';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { beforeAll, describe, expect, it } from 'vitest';
import { accessKey, client, deltaConnectors, putText, s3Url, secretKey } from './helpers.js';

// Converted legacy configs read and write their s3a:// paths as Spark did with fs.s3a settings
// from the cluster: here the AWS environment (endpoint, region, keys as env secrets) of the run.
const legacy = fileURLToPath(new URL('../fixtures/legacy/', import.meta.url));
const convert = (file: string) =>
  convertConfig(file, readFileSync(join(legacy, file), 'utf8')).plan;

/** The plan with its sinks (and sources of other services) swapped as `swap` says. */
function rerouted(plan: Plan, swap: (n: PlanNode) => PlanNode): Plan {
  return { ...plan, nodes: plan.nodes.map(swap) };
}

async function emptyBucket(bucket: string, prefix: string): Promise<void> {
  await client.createBucket(bucket);
  for (const o of await client.list(bucket, prefix)) await client.delete(bucket, o.key);
}

beforeAll(() => {
  process.env.AWS_ENDPOINT_URL = s3Url;
  process.env.AWS_REGION = 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID = accessKey;
  process.env.AWS_SECRET_ACCESS_KEY = secretKey;
});

describe('converted legacy configs run against the S3 server', () => {
  it('steps/optimized-aggregation: reads s3a://data/logs/*.json and aggregates', async () => {
    await emptyBucket('data', 'logs/');
    await putText(
      'data',
      'logs/1.json',
      '{"date":"2026-01-01","region":"eu","user_id":1}\n{"date":"2026-01-01","region":"eu","user_id":1}\n',
    );
    await putText('data', 'logs/2.json', '{"date":"2026-01-01","region":"us","user_id":2}\n');
    await putText('data', 'logs/skip.csv', 'not,json\n');
    const plan = rerouted(convert('steps/optimized-aggregation.json'), (n) =>
      n.kind === 'sink' ? { ...n, sink: { type: 'memory', name: 'out' } } : n,
    );
    const run = runPipeline({ plan, udfs: new Map() }, deltaConnectors());
    await run.result;
    const out = [...(run.memory.get('out') ?? [])].sort((a, b) =>
      String(a.region).localeCompare(String(b.region)),
    );
    expect(out).toEqual([
      { date: new Date('2026-01-01T00:00:00Z'), region: 'eu', total_events: 2, unique_users: 1 },
      { date: new Date('2026-01-01T00:00:00Z'), region: 'us', total_events: 1, unique_users: 1 },
    ]);
  });

  it('steps/customer-360: joins s3a://data/orders/*.parquet with customers into a Delta table', async () => {
    await emptyBucket('data', 'orders/');
    const orders = parquetWriteBuffer({
      columnData: [
        { name: 'order_id', data: [10, 11, 12], type: 'INT32' },
        { name: 'customer_id', data: [1, 1, 2], type: 'INT32' },
        { name: 'amount', data: [5, 7.5, 3], type: 'DOUBLE' },
      ],
    });
    await client.put('data', 'orders/part-0.parquet', new Uint8Array(orders));
    const out = join(mkdtempSync(join(tmpdir(), 'pipekit-c360-')), 'customer_360');
    // The config names no columns (Spark inferred them at run time), so the target table exists
    // already, as /data/customer_360 did for the Spark job.
    await DeltaTable.create(out, {
      schema: {
        fields: [
          { name: 'id', type: 'long', nullable: true },
          { name: 'name', type: 'string', nullable: true },
          { name: 'order_id', type: 'long', nullable: true },
          { name: 'customer_id', type: 'long', nullable: true },
          { name: 'amount', type: 'double', nullable: true },
        ],
      },
    });
    // The customers come from Postgres through Vault (vault-end-to-end.test.ts runs that part);
    // here they are in memory, and the load goes to a temporary table instead of /data.
    const plan = rerouted(convert('steps/customer-360.json'), (n) => {
      if (n.kind === 'source' && n.source.type === 'postgres')
        return {
          ...n,
          source: {
            type: 'memory',
            rows: [
              { id: 1, name: 'Ada' },
              { id: 2, name: 'Lin' },
            ],
          },
        };
      if (n.kind === 'sink' && n.sink.type === 'delta')
        return { ...n, sink: { ...n.sink, path: out } };
      return n;
    });
    const run = runPipeline({ plan, udfs: new Map() }, deltaConnectors());
    await run.result;
    const rows = (await DeltaTable.at(out).read()).sort(
      (a, b) => Number(a.order_id) - Number(b.order_id),
    );
    expect(rows.map((r) => [r.name, r.order_id, r.amount])).toEqual([
      ['Ada', 10, 5],
      ['Ada', 11, 7.5],
      ['Lin', 12, 3],
    ]);
  });

  it('steps/streaming-kafka-to-delta: its load appends to s3a://pipeline-delta/purchases', async () => {
    await emptyBucket('pipeline-delta', 'purchases/');
    const checkpoint = mkdtempSync(join(tmpdir(), 'pipekit-purchases-'));
    // The source is Kafka with Vault credentials (the Kafka and Vault tests run that part): here
    // the same events from memory, through the converted filter into the converted S3 load.
    const plan = rerouted(convert('steps/streaming-kafka-to-delta.json'), (n) => {
      if (n.kind === 'source')
        return {
          ...n,
          source: {
            type: 'memory',
            rows: [
              { value: Buffer.from('{"event_type":"purchase","user_id":1,"amount":9}') },
              { value: Buffer.from('{"event_type":"view","user_id":2,"amount":0}') },
            ],
          },
        };
      if (n.kind === 'sink') return { ...n, checkpoint, trigger: { type: 'availableNow' } };
      return n;
    });
    const run = runPipeline({ plan, udfs: new Map() }, deltaConnectors());
    await run.result;
    const keys = (await client.list('pipeline-delta', 'purchases/_delta_log/')).map((o) => o.key);
    expect(keys).toContain('purchases/_delta_log/00000000000000000001.json');
    const rows = await DeltaTable.at('s3a://pipeline-delta/purchases').read();
    expect(rows.map((r) => Buffer.from(r.value as Uint8Array).toString())).toEqual([
      '{"event_type":"purchase","user_id":1,"amount":9}',
    ]);
  });
});
