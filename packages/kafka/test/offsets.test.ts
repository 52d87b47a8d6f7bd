import { badRecordSchema } from '@pipekit/core';
import { describe, expect, it } from 'vitest';
import {
  asPartitionOffsets,
  parsePosition,
  positionOf,
  rangesOf,
  rateLimit,
} from '../src/offsets.js';
import { isBadRecordSchema, messageEncoder } from '../src/serialize.js';

describe('offsets (no broker)', () => {
  it('rateLimit spreads the cap by backlog, exactly, largest remainders first', () => {
    const start = { t: { 0: 0, 1: 100, 2: 50 } };
    const latest = { t: { 0: 300, 1: 200, 2: 50 } };
    expect(rateLimit(start, latest, 100)).toEqual({ t: { 0: 75, 1: 125, 2: 50 } });
    expect(rateLimit(start, latest, 1)).toEqual({ t: { 0: 1, 1: 100, 2: 50 } });
    expect(rateLimit(start, latest, 1_000)).toBe(latest);
    const capped = rateLimit(
      { a: { 0: 0 }, b: { 0: 0, 1: 0 } },
      { a: { 0: 10 }, b: { 0: 10, 1: 10 } },
      10,
    );
    expect(
      Object.values(capped)
        .flatMap((p) => Object.values(p))
        .reduce((x, y) => x + y),
    ).toBe(10);
  });

  it('rangesOf lists partitions with records, sorted; a shape it did not write is refused', () => {
    expect(
      rangesOf({ b: { 10: 5, 2: 0 }, a: { 0: 3 } }, { b: { 10: 6, 2: 0 }, a: { 0: 4 } }),
    ).toEqual([
      { topic: 'a', partition: 0, from: 3, until: 4 },
      { topic: 'b', partition: 10, from: 5, until: 6 },
    ]);
    expect(() => asPartitionOffsets(5)).toThrow(/must be \{topic/);
    expect(() => asPartitionOffsets({ t: { 0: 1.5 } })).toThrow(/t\/0 must be an integer/);
  });

  it('positions round-trip; other positions are not parsed', () => {
    expect(parsePosition(positionOf('orders.v1', 3, '42'))).toEqual({
      topic: 'orders.v1',
      partition: 3,
      offset: '42',
    });
    expect(parsePosition('file.jsonl:17')).toBeNull();
  });

  it('messages: key, map headers expanded, dates and bytes in JSON; bad-record rows as dead letters', () => {
    const spec = {
      type: 'kafka' as const,
      brokers: ['x'],
      topic: 't',
      key: 'k',
      headers: ['h', 'meta'],
      compression: 'none' as const,
      idempotent: true,
    };
    const m = messageEncoder(
      spec,
      null,
    )({ k: 7, h: 'v', meta: { a: '1', b: null }, at: new Date(0), raw: new Uint8Array([1, 2]) });
    expect(m.key).toBe('7');
    expect(m.headers).toEqual({ h: 'v', a: '1' });
    expect(JSON.parse(String(m.value))).toEqual({
      k: 7,
      h: 'v',
      meta: { a: '1', b: null },
      at: '1970-01-01T00:00:00.000Z',
      raw: 'AQI=',
    });
    expect(isBadRecordSchema(badRecordSchema)).toBe(true);
    const dl = messageEncoder(
      { ...spec, key: undefined, headers: undefined },
      badRecordSchema,
    )({ reason: 'bad', node: 'n', position: 't/1@9', record: 'raw' });
    expect(dl.value).toBe('raw');
    expect(dl.headers).toMatchObject({
      'pipekit.error.reason': 'bad',
      'pipekit.source.partition': '1',
      'pipekit.source.offset': '9',
    });
  });
});

describe('value JSON (no broker)', () => {
  it('is the same text as JSON.stringify, for plain rows, rows with Dates and nested values', async () => {
    const { toJson } = await import('../src/serialize.js');
    const rows = [
      { a: 1, b: 'x"y', c: null, d: true, e: undefined },
      {
        at: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)),
        n: 1.5,
        s: 'é\n',
        u: undefined,
        bad: new Date(Number.NaN),
      },
      { nested: { at: new Date(0) }, list: [1, 'a'] },
    ];
    for (const r of rows) expect(toJson(r)).toBe(JSON.stringify(r));
  });
});
