import { readFileSync } from 'node:fs';
import type { AggregateNode, AggregateSpec } from '@pipekit/core';
import { describe, expect, it } from 'vitest';
import { GroupAggregate } from '../src/operators/group-aggregate.js';
import { SessionAggregate } from '../src/operators/session-aggregate.js';
import type { StatefulOperator } from '../src/operators/stateful-operator.js';
import { WindowAggregate } from '../src/operators/window-aggregate.js';
import type { JsonValue, Row } from '../src/row.js';

/**
 * Checkpoints taken by an earlier pipekit must restore: the fixture holds snapshots written by the
 * aggregate operators of commit 160a956 (groups as objects) after `rows1`, and the rows they then
 * emitted for `rows2` (update mode). The operators of today restore them, snapshot them back the
 * same, and emit the same rows.
 */
interface Recorded {
  readonly snapshot: JsonValue;
  readonly next: { rows: Row[]; late: Row[] };
}
const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/aggregate-state-160a956.json', import.meta.url), 'utf8'),
) as Record<'window' | 'group' | 'session', Recorded>;

const aggregates: AggregateSpec[] = [
  { name: 'n', fn: 'count' },
  { name: 'nv', fn: 'count', column: 'v' },
  { name: 'total', fn: 'sum', column: 'v' },
  { name: 'mean', fn: 'avg', column: 'v' },
  { name: 'lo', fn: 'min', column: 'v' },
  { name: 'hi', fn: 'max', column: 'ts' },
  { name: 'firstTag', fn: 'first', column: 'tag' },
  { name: 'lastTag', fn: 'last', column: 'tag' },
  { name: 'tags', fn: 'countDistinct', column: 'tag' },
];
const T = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
const rows1: Row[] = [
  { user: 'a', region: 1, v: 5, tag: 'x', ts: T(1) },
  { user: 'a', region: 1, v: null, tag: null, ts: T(3) },
  { user: null, region: 2, v: 2.5, tag: 'y', ts: T(4) },
  { user: 'b', region: 1, v: -1, tag: 'x', ts: T(12) },
  { user: 'a', region: 1, v: 7, tag: 'z', ts: T(14) },
];
const rows2: Row[] = [
  { user: 'a', region: 1, v: 1, tag: 'x', ts: T(2) },
  { user: null, region: 2, v: null, tag: null, ts: T(15) },
  { user: 'b', region: 1, v: 4, tag: 'w', ts: T(13) },
  { user: 'c', region: 3, v: 9, tag: 'q', ts: T(27) },
];
const node = (window?: AggregateNode['window']) =>
  ({
    id: 'agg',
    kind: 'aggregate',
    input: 'in',
    keys: ['user', 'region'],
    aggregates,
    ...(window ? { window } : {}),
  }) as AggregateNode;
const wm = { lateWatermark: 0, watermark: 0 };
const operators: Record<keyof typeof fixture, () => StatefulOperator> = {
  window: () =>
    new WindowAggregate(
      'agg',
      node({ type: 'sliding', column: 'ts', size: 10_000, slide: 5_000 }) as never,
      'update',
      wm,
    ),
  group: () => new GroupAggregate('agg', node(), 'update', null),
  session: () =>
    new SessionAggregate(
      'agg',
      node({ type: 'session', column: 'ts', gap: 5_000 }) as never,
      'update',
      wm,
    ),
};
const json = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;

describe.each(Object.keys(operators) as (keyof typeof fixture)[])(
  '%s aggregate state of an earlier release',
  (kind) => {
    it('restores, snapshots back the same and goes on as the earlier release did', () => {
      const op = operators[kind]();
      op.restoreState(fixture[kind].snapshot);
      expect(json(op.snapshotState())).toEqual(fixture[kind].snapshot);
      expect(json(op.process(rows2, 2000))).toEqual(fixture[kind].next);
    });

    it('is written today in the same format', () => {
      const op = operators[kind]();
      op.process(rows1, 1000);
      expect(json(op.snapshotState())).toEqual(fixture[kind].snapshot);
    });
  },
);
