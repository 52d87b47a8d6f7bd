import type { PlanNodeOf } from '@pipekit/core';
import { describe, expect, it } from 'vitest';
import { ConvertError, convertConfig } from '../src/index.js';

const batch = (aggregations: string, groupBy: string[] = ['store']) =>
  `{"name":"p","mode":"batch","steps":[
    {"type":"extract","method":"fromPostgres","config":{"table":"orders","credentialPath":"secret/pg"}},
    {"type":"transform","method":"aggregateData","config":{"groupBy":${JSON.stringify(groupBy)},"aggregations":${aggregations}}},
    {"type":"load","method":"toDeltaLake","config":{"path":"/x","mode":"overwrite"}}]}`;

function aggregateOf(text: string) {
  const c = convertConfig('s.json', text);
  const node = c.plan.nodes.find((n) => n.kind === 'aggregate') as PlanNodeOf<'aggregate'>;
  return { node, warnings: c.warnings };
}

describe('aggregations whose output names collide are all kept', () => {
  it('renames one named like a group key to its derived name, and says what Spark does', () => {
    const { node, warnings } = aggregateOf(batch('{"store":"count(*)","total":"sum(amount)"}'));
    expect(node.aggregates.map((a) => [a.name, a.fn, a.column])).toEqual([
      ['count', 'count', undefined],
      ['total', 'sum', 'amount'],
    ]);
    expect(warnings).toContainEqual({
      kind: 'check',
      path: ['steps', 1],
      message: expect.stringMatching(
        /^aggregation 'count\(\*\) as store' is renamed 'count': its name is taken by the group key 'store'\. Spark keeps both columns as 'store' and then refuses to write them \(duplicate column\)/,
      ),
    });
  });

  it('never takes a name the config gave to another aggregation, even a later one', () => {
    const { node } = aggregateOf(batch('{"store":"count(*)","count":"count(distinct sku)"}'));
    expect(node.aggregates.map((a) => a.name)).toEqual(['count_2', 'count']);
  });

  it('renames a second aggregation of one name in the ETL dialect', () => {
    const c = convertConfig(
      'e.json',
      JSON.stringify({
        pipelineId: 'p',
        extract: {
          sourceType: 'kafka',
          topic: 't',
          connectionParams: { 'kafka.bootstrap.servers': 'k:9092' },
          schema: {
            fields: [
              { name: 'store', type: 'string' },
              { name: 'amount', type: 'double' },
            ],
          },
        },
        transforms: [
          {
            transformType: 'aggregation',
            parameters: {
              groupByColumns: 'store',
              aggregations: 'amount:sum,amount:max,amount:min',
            },
          },
        ],
        streamingConfigJson: { outputMode: 'complete' },
        load: { sinkType: 'console' },
      }),
    );
    const node = c.plan.nodes.find((n) => n.kind === 'aggregate') as PlanNodeOf<'aggregate'>;
    expect(node.aggregates.map((a) => [a.name, a.fn])).toEqual([
      ['amount', 'sum'],
      ['max_amount', 'max'],
      ['min_amount', 'min'],
    ]);
    expect(c.warnings.filter((w) => w.message.includes('is renamed'))).toHaveLength(2);
  });

  it('refuses a JSON object that writes one key twice, naming the path and line', () => {
    let error: unknown;
    try {
      convertConfig('s.json', batch('{"amount":"sum(amount)",\n"amount":"max(amount)"}'));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConvertError);
    expect((error as ConvertError).path).toEqual(['steps', 1, 'config', 'aggregations', 'amount']);
    expect((error as ConvertError).message).toMatch(
      /^s\.json: steps\[1\]\.config\.aggregations\.amount: key 'amount' is written twice in one object \(again at line 4, column 1\)/,
    );
  });
});
