import { describe, expect, it } from 'vitest';
import { decimalParts } from '../src/delta-schema.js';
import {
  type DataType,
  DeltaTable,
  fromDeltaSchemaJson,
  type Row,
  type Schema,
} from '../src/index.js';
import { allTypesRows, allTypesSchema, byId, runPython, tablePath } from './helpers.js';

/** Python's `datetime.isoformat()` of a UTC instant. */
function pyIso(d: Date): string {
  const [base, frac = ''] = d.toISOString().replace('Z', '').split('.');
  return `${base}${/^0*$/.test(frac) ? '' : `.${frac.padEnd(6, '0')}`}+00:00`;
}

/** A pipekit value in the JSON form read_table.py prints for the same Delta type. */
function asPython(v: unknown, t: DataType): unknown {
  if (v === null || v === undefined) return null;
  if (typeof t !== 'string') {
    switch (t.type) {
      case 'struct':
        return Object.fromEntries(
          t.fields.map((f) => [f.name, asPython((v as Row)[f.name], f.type)]),
        );
      case 'array':
        return (v as unknown[]).map((e) => asPython(e, t.elementType));
      case 'map':
        return [...(v as Map<unknown, unknown>)].map(([k, x]) => [
          asPython(k, t.keyType),
          asPython(x, t.valueType),
        ]);
    }
  }
  if (t === 'timestamp') return pyIso(v as Date);
  if (t === 'date') return (v as Date).toISOString().slice(0, 10);
  if (t === 'binary') return { hex: Buffer.from(v as Uint8Array).toString('hex') };
  const d = decimalParts(t);
  if (d) return (v as number).toFixed(d.scale);
  return v;
}

function rowsAsPython(rows: readonly Row[], schema: Schema): unknown[] {
  return rows.map((r) =>
    Object.fromEntries(schema.fields.map((f) => [f.name, asPython(r[f.name], f.type)])),
  );
}

interface PyTable {
  version: number;
  schema: unknown;
  partition_columns: string[];
  configuration: Record<string, string>;
  rows: Row[];
  files: { path: string; partition_values: Record<string, string | null>; num_records: number }[];
  history: { version: number; operation: string }[];
  app_version: number | null;
}

describe('interop with the deltalake Python package', () => {
  it('Python reads a pipekit-written table: rows, schema, version history, app transactions', async () => {
    const path = tablePath('py-reads-all-types');
    const table = await DeltaTable.create(path, { schema: allTypesSchema });
    await table.write(allTypesRows.slice(0, 2));
    await table.write(allTypesRows.slice(2), { appId: 'stream-1', appVersion: 42 });
    const py = (await runPython('read_table.py', [path, 'stream-1'])) as PyTable;
    expect(py.version).toBe(2);
    expect(fromDeltaSchemaJson(JSON.stringify(py.schema), path)).toEqual(allTypesSchema);
    expect(byId(py.rows)).toEqual(rowsAsPython(allTypesRows, allTypesSchema));
    expect(py.app_version).toBe(42);
    const ours = await table.history();
    expect(py.history.map((h) => [h.version, h.operation])).toEqual(
      ours.map((h) => [h.version, h.operation]),
    );
  });

  it('Python sees the partition values and files of a partitioned pipekit table', async () => {
    const path = tablePath('py-reads-partitioned');
    const schema: Schema = {
      fields: [
        { name: 'id', type: 'long', nullable: false },
        { name: 'country', type: 'string', nullable: true },
        { name: 'day', type: 'date', nullable: true },
      ],
    };
    const table = await DeltaTable.create(path, { schema, partitionBy: ['country', 'day'] });
    const rows = [
      { id: 1, country: 'FR', day: new Date('2024-05-01T00:00:00Z') },
      { id: 2, country: 'DE', day: new Date('2024-05-02T00:00:00Z') },
      { id: 3, country: 'FR', day: new Date('2024-05-01T00:00:00Z') },
      { id: 4, country: null, day: null },
    ];
    await table.write(rows);
    const py = (await runPython('read_table.py', [path])) as PyTable;
    expect(py.partition_columns).toEqual(['country', 'day']);
    expect(byId(py.rows)).toEqual(rowsAsPython(rows, schema));
    const ours = (await table.snapshot()).files;
    const key = (p: string) => decodeURIComponent(p);
    const pyFiles = new Map(py.files.map((f) => [key(f.path), f]));
    expect(pyFiles.size).toBe(ours.length);
    for (const f of ours) {
      const theirs = pyFiles.get(key(f.path));
      expect(theirs, f.path).toBeDefined();
      expect(theirs?.num_records).toBe(f.numRecords);
      // Python parses typed partition values; compare in their serialized form.
      expect(asPython(theirs?.partition_values.country, 'string')).toBe(f.partitionValues.country);
      const day = theirs?.partition_values.day;
      expect(day === null || day === undefined ? null : String(day).slice(0, 10)).toBe(
        f.partitionValues.day,
      );
    }
  });

  it('pipekit reads a table written by Python write_deltalake', async () => {
    const path = tablePath('we-read-python');
    const py = (await runPython('write_table.py', [path])) as {
      version: number;
      schema: unknown;
      partition_columns: string[];
      rows: Record<string, unknown>[];
    };
    const table = await DeltaTable.open(path);
    const snapshot = await table.snapshot();
    expect(snapshot.version).toBe(py.version);
    expect(snapshot.partitionColumns).toEqual(py.partition_columns);
    expect(snapshot.schema).toEqual(fromDeltaSchemaJson(JSON.stringify(py.schema), path));
    const expected = py.rows.map((r) => ({
      ...r,
      day: r.day === null ? null : new Date(`${r.day as string}T00:00:00Z`),
      ts: r.ts === null ? null : new Date(r.ts as string),
      price: r.price === null ? null : Number(r.price),
    }));
    expect(byId(await table.read())).toEqual(byId(expected));
    expect((await table.readVersions(1, 1)).map((r) => r.id)).toEqual([3]);
    expect((await table.read({ version: 0 })).map((r) => r.id).sort()).toEqual([1, 2]);
    const history = await table.history();
    expect(history.map((h) => h.version)).toEqual([1, 0]);
    // And our writer appends to it in a way Python still reads.
    await table.write([{ ...expected[0], id: 10, country: 'ES' }]);
    const after = (await runPython('read_table.py', [path])) as PyTable;
    expect(after.rows.map((r) => r.id).sort((a, b) => Number(a) - Number(b))).toEqual([
      1, 2, 3, 10,
    ]);
  });
});
