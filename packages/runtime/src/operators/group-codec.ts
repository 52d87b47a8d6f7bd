import type { JsonValue } from '../row.js';
import type { GroupState, GroupUpdater } from './group-update.js';
import { decodeValue, encodeValue } from './state-codec.js';

/** A group's running aggregate as JSON: its keys, number fields and opaque states. */
export function encodeGroup(u: GroupUpdater, g: GroupState): JsonValue {
  return {
    k: encodeValue(g.keys),
    f: u.fields.map((f) => g[f] as number),
    x: encodeValue(g.x),
  };
}

/** The inverse of `encodeGroup`. */
export function decodeGroup(u: GroupUpdater, j: JsonValue): GroupState {
  const o = j as { k: JsonValue; f: readonly number[]; x: JsonValue };
  const g = u.init(decodeValue(o.k) as unknown[]);
  u.fields.forEach((f, i) => {
    g[f] = o.f[i] ?? 0;
  });
  const x = decodeValue(o.x) as unknown[];
  for (let i = 0; i < x.length; i++) g.x[i] = x[i];
  return g;
}
