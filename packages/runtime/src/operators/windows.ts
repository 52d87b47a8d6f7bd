import type { AggregateNode } from '@pipekit/core';
import type { Row } from '../row.js';

type WindowOnColumn = NonNullable<AggregateNode['window']>;

function timeOf(v: unknown): number | null {
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'number') return v;
  return null;
}

/**
 * The `[start, end)` windows (epoch ms) a row falls in, by its event-time column: one for a
 * tumbling window, size/slide for a sliding one (aligned to the epoch, as Spark's). Empty when the
 * time is NULL. Session windows depend on other rows and are not assigned here.
 */
export function windowAssigner(
  w: WindowOnColumn,
): (row: Row) => readonly (readonly [number, number])[] {
  if (w.type === 'session') throw new Error('session windows are not assigned per row');
  const size = w.size;
  const slide = w.type === 'sliding' ? w.slide : w.size;
  const column = w.column;
  return (row) => {
    const t = timeOf(row[column]);
    if (t === null) return [];
    const out: [number, number][] = [];
    const lastStart = t - (((t % slide) + slide) % slide);
    for (let start = lastStart; start > t - size; start -= slide) out.push([start, start + size]);
    return out.reverse();
  };
}
