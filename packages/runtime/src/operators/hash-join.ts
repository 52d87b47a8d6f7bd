import type { JoinNode } from '@pipekit/core';
import { defer, map, type Observable, zip } from 'rxjs';
import { type Batch, batchOf } from '../graph/batch.js';
import type { NodeMetrics } from '../metrics/node-metrics.js';
import type { Row } from '../row.js';
import { keyFunction } from './keys.js';

/**
 * An equi-join of two bounded inputs: both sides are kept (the right one in a hash table on its
 * keys) until the input ends, then joined. Output columns: the left's, then the right's except
 * its key columns (renamed `<name>_right` when the left has the name). Where only the right side
 * matched (right, full), the left key columns take the right's key values, as in a USING join.
 */
export function hashJoin(
  node: JoinNode,
  columns: { readonly left: readonly string[] | null; readonly right: readonly string[] | null },
  metrics: NodeMetrics,
): (left: Observable<Batch>, right: Observable<Batch>) => Observable<Batch> {
  const { joinType } = node;
  const leftKey = keyFunction(node.on.left);
  const rightKey = keyFunction(node.on.right);
  return (left$, right$) =>
    defer(() => {
      const leftRows: Row[] = [];
      const table = new Map<unknown, Row[]>();
      let rightCount = 0;
      let leftCols = columns.left;
      let rightCols = columns.right;
      return zip(left$, right$).pipe(
        map(([l, r]) => {
          for (const row of l.rows) leftRows.push(row);
          for (const row of r.rows) {
            const k = rightKey(row);
            const list = table.get(k);
            if (list) list.push(row);
            else table.set(k, [row]);
          }
          rightCount += r.rows.length;
          leftCols ??= l.rows[0] ? Object.keys(l.rows[0]) : null;
          rightCols ??= r.rows[0] ? Object.keys(r.rows[0]) : null;
          metrics.stateRows = leftRows.length + rightCount;
          if (!l.epoch.final) return batchOf(l.epoch, []);
          return batchOf(l.epoch, joinAll(leftRows, table, leftCols ?? [], rightCols ?? []));
        }),
      );
    });

  function joinAll(
    leftRows: readonly Row[],
    table: Map<unknown, Row[]>,
    leftCols: readonly string[],
    rightCols: readonly string[],
  ): Row[] {
    const taken = new Set(leftCols);
    const rightOut = rightCols
      .filter((c) => !node.on.right.includes(c))
      .map((c) => ({ from: c, to: taken.has(c) ? `${c}_right` : c }));
    const combine = (l: Row | null, r: Row | null): Row => {
      const out: Row = {};
      for (const c of leftCols) out[c] = l ? l[c] : null;
      if (!l && r)
        node.on.left.forEach((c, i) => {
          out[c] = r[node.on.right[i]!];
        });
      for (const c of rightOut) out[c.to] = r ? r[c.from] : null;
      return out;
    };
    const out: Row[] = [];
    const matched = new Set<Row>();
    for (const l of leftRows) {
      const k = leftKey(l);
      const nullKey = node.on.left.some((c) => l[c] === null || l[c] === undefined);
      const rs = nullKey ? undefined : table.get(k);
      if (rs) {
        for (const r of rs) {
          out.push(combine(l, r));
          matched.add(r);
        }
      } else if (joinType === 'left' || joinType === 'full') out.push(combine(l, null));
    }
    if (joinType === 'right' || joinType === 'full')
      for (const rs of table.values())
        for (const r of rs) if (!matched.has(r)) out.push(combine(null, r));
    return out;
  }
}
