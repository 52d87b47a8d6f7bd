import { parseDdl } from '@pipekit/core';
import { type Row, rowCoercer } from '@pipekit/runtime';
import type { Message } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { pack, unpack } from '../src/producer-wire.js';
import { isoText, messageEncoder, rowJson, toJson } from '../src/serialize.js';

/** A deterministic pseudo-random sequence (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** JSON as the sink must write it: JSON.stringify, with Dates as their ISO text. */
const reference = (v: unknown) => JSON.stringify(v);

describe('fast paths of the sink (no broker)', () => {
  it('isoText is toISOString, across days, years, before 1970 and after 9999', () => {
    const next = random(1);
    const times = [
      0, 86_399_999, 86_400_000, -1, -86_400_001, 253_402_300_799_999, 253_402_300_800_000,
    ];
    for (let i = 0; i < 20_000; i++) times.push(Math.floor(next() * 253_402_300_800_000));
    // Consecutive times within a day and across midnight (the cached day).
    for (let t = 1_767_225_599_000; t < 1_767_225_601_000; t += 7) times.push(t);
    for (const t of times) expect(isoText(new Date(t))).toBe(new Date(t).toISOString());
  });

  it('rowJson writes what JSON.stringify writes, and hands every other row to toJson', () => {
    const names = ['id', 'name', 'amount', 'ok', 'at', 'note'];
    const json = rowJson(names);
    const at = new Date(Date.UTC(2026, 10, 22, 5, 6, 7, 8));
    const rows: Row[] = [
      { id: 1, name: 'a', amount: 1.5, ok: true, at, note: null },
      { id: -0, name: 'q"\\\n\u2028é😀\ud800', amount: Number.NaN, ok: false, at, note: 'x' },
      {
        id: Number.POSITIVE_INFINITY,
        name: '',
        amount: 1e21,
        ok: true,
        at: new Date(Number.NaN),
        note: null,
      },
      // Not the schema's shape: other order, a missing or an extra column, undefined values.
      { name: 'a', id: 1, amount: 1, ok: true, at, note: null },
      { id: 1, name: 'a', amount: 1, ok: true, at },
      { id: 1, name: 'a', amount: 1, ok: true, at, note: null, extra: 2 },
      { id: 1, name: undefined, amount: 1, ok: true, at, note: null },
      // Values the fast path does not write: nested, bytes, BigInt.
      { id: 1, name: 'a', amount: 1, ok: true, at, note: { deep: [at, 1] } },
      { id: 1, name: 'a', amount: 1, ok: true, at, note: new Uint8Array([1, 2, 3]) },
      { id: 10n, name: 'a', amount: 1, ok: true, at, note: null },
    ];
    for (const r of rows) expect(json(r)).toBe(toJson(r));
    for (const r of rows.slice(0, 8)) expect(json(r)).toBe(reference(r));
    expect(json(rows[8]!)).toContain('"note":"AQID"');
    expect(json(rows[9]!)).toContain('"id":"10"');
  });

  it('the message encoder gives the same value with and without the schema', () => {
    const schema = parseDdl('id LONG, name STRING, at TIMESTAMP');
    const spec = {
      type: 'kafka' as const,
      brokers: ['x'],
      topic: 't',
      key: 'name',
      compression: 'none' as const,
      idempotent: true,
    };
    const withSchema = messageEncoder(spec, schema);
    const without = messageEncoder(spec, null);
    const next = random(2);
    for (let i = 0; i < 2_000; i++) {
      const row = { id: i, name: `n${Math.floor(next() * 10)}`, at: new Date(next() * 2e12) };
      expect(withSchema(row)).toEqual(without(row));
      expect(withSchema(row).value).toBe(reference(row));
    }
  });

  it('messages packed for the producer thread come back as the same bytes', () => {
    const long = 'ü'.repeat(5_000); // 10,000 UTF-8 bytes: more than the packer first sizes for
    const messages: Message[] = [
      { value: '{"a":1}', key: null },
      { value: '', key: '' },
      { value: null, key: 'tombstone' },
      { value: long, key: Buffer.from([0, 255, 1]) },
      { value: Buffer.from('bytes'), key: 'k', partition: 3, timestamp: '1700000000000' },
      { value: 'h', headers: { a: 'x', b: Buffer.from([9]), c: ['1', Buffer.from('2')] } },
      ...Array.from({ length: 1_000 }, (_, i) => ({ value: `€${i}`.repeat(i % 7), key: `${i}` })),
    ];
    // Through structured clone, as postMessage moves it (Buffers arrive as Uint8Arrays).
    const packed = structuredClone(pack(messages));
    const back = unpack(packed);
    const bytes = (v: Buffer | string | null | undefined) =>
      v === null || v === undefined ? v : Buffer.from(v).toString('hex');
    expect(back).toHaveLength(messages.length);
    back.forEach((m, i) => {
      const o = messages[i]!;
      expect(bytes(m.value)).toEqual(bytes(o.value));
      expect(bytes(m.key)).toEqual(bytes(o.key ?? null));
      expect(m.partition).toBe(o.partition);
      expect(m.timestamp).toBe(o.timestamp);
      if (o.headers) {
        expect(Buffer.isBuffer(m.headers?.b)).toBe(true);
        expect(Object.keys(m.headers!)).toEqual(['a', 'b', 'c']);
        expect(bytes(m.headers!.b as Buffer)).toBe('09');
        expect((m.headers!.c as (string | Buffer)[]).map((x) => bytes(x))).toEqual(['31', '32']);
      } else expect(m.headers).toBeUndefined();
    });
  });
});

describe('the compiled row coercer (the Kafka source decodes JSON through it)', () => {
  const schema = parseDdl('id LONG, name STRING, amount DOUBLE, ok BOOLEAN, ts TIMESTAMP');
  const toRow = rowCoercer(schema, 'src');

  it('reads ISO timestamps as new Date does, also at the edges it leaves to new Date', () => {
    const next = random(3);
    const texts = [
      '2026-11-22T05:35:57.161Z',
      '2026-11-22T05:35:57Z',
      '2024-02-29T23:59:59.999Z',
      '2026-02-29T00:00:00Z', // not a leap year: new Date rolls over to March 1st
      '2026-04-31T00:00:00.000Z',
      '2100-02-29T00:00:00Z',
      '2000-02-29T00:00:00Z',
      '0050-01-01T00:00:00Z', // year < 100
      '2026-01-01T24:00:00Z',
      '2026-01-01T23:59:60Z',
      '2026-01-01T00:00:00.5Z',
      '2026-01-01T00:00:00.123456Z',
      '2026-01-01T00:00:00+01:00',
      '2026-01-01',
      '2026-13-01T00:00:00Z',
      '2026-00-10T00:00:00Z',
      '2026-01-01t00:00:00z',
      '+002026-01-01T00:00:00Z',
      '2026-1a-01T00:00:00.000Z',
      'not a time at all, 24 ch',
    ];
    for (let i = 0; i < 20_000; i++) texts.push(new Date(next() * 4e12 - 1e12).toISOString());
    for (const ts of texts) {
      const r = toRow({ id: 1, name: 'a', amount: 1, ok: true, ts }, '');
      const want = new Date(ts).getTime();
      if (Number.isNaN(want)) expect(r.ok).toBe(false);
      else {
        expect(r.ok).toBe(true);
        if (r.ok) expect((r.row.ts as Date).getTime()).toBe(want);
      }
    }
  });

  it('coerces and refuses as before: numeric text, unknown keys dropped, reasons naming the column', () => {
    expect(toRow({ ts: 0, ok: 'true', amount: '2.5', name: 7, id: '3', other: 1 }, '')).toEqual({
      ok: true,
      row: { id: 3, name: '7', amount: 2.5, ok: true, ts: new Date(0) },
    });
    const reason = (rec: unknown) => {
      const r = toRow(rec, 'p');
      return r.ok ? null : r.bad.reason;
    };
    const good = { id: 1, name: 'a', amount: 1, ok: true, ts: 0 };
    expect(reason({ ...good, amount: 'lots' })).toBe(
      'column \'amount\': expected double, got "lots"',
    );
    expect(reason({ ...good, id: 1.5 })).toBe("column 'id': expected long, got 1.5");
    expect(reason({ ...good, ts: 'soon' })).toBe('column \'ts\': expected timestamp, got "soon"');
    expect(reason({ ...good, ok: 1 })).toBe("column 'ok': expected boolean, got 1");
    expect(reason([1])).toBe('expected an object, got an array');
    const nullable = rowCoercer(parseDdl('id LONG NOT NULL, note STRING'), 'src');
    expect(nullable({ id: 1 }, '')).toEqual({ ok: true, row: { id: 1, note: null } });
    const missing = nullable({ note: 'x' }, 'p');
    expect(missing.ok ? null : missing.bad.reason).toBe(
      "column 'id' is missing or null but not nullable",
    );
  });
});
