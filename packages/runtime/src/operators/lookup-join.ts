import { type JoinNode, nodeInputs, type Plan, type PlanNode } from '@pipekit/core';
import { concatMap, defer, type Observable, Subject, type Subscription, share } from 'rxjs';
import type { Offset, SourceReader } from '../connector.js';
import { type Batch, batchOf, type Epoch } from '../graph/batch.js';
import type { NodeMetrics } from '../metrics/node-metrics.js';
import type { Row } from '../row.js';
import { keyFunction } from './keys.js';

/** The column names of a join's two inputs, when known before the first row. */
export interface JoinColumns {
  readonly left: readonly string[] | null;
  readonly right: readonly string[] | null;
}

/**
 * Builds joined rows as `checkNode`'s join schema says: the left columns, then the right columns
 * but its keys (renamed `<name>_right` when the left has the name); a missing side gives nulls.
 */
export function joinRowBuilder(
  node: JoinNode,
  leftCols: readonly string[],
  rightCols: readonly string[],
): (l: Row, r: Row | null) => Row {
  const taken = new Set(leftCols);
  const rightOut = rightCols
    .filter((c) => !node.on.right.includes(c))
    .map((c) => ({ from: c, to: taken.has(c) ? `${c}_right` : c }));
  return (l, r) => {
    const out: Row = {};
    for (const c of leftCols) out[c] = l[c];
    for (const c of rightOut) out[c.to] = r ? r[c.from] : null;
    return out;
  };
}

/** Whether any of a row's key columns is null (such a row matches nothing, as in SQL). */
export function hasNullKey(row: Row, columns: readonly string[]): boolean {
  for (const c of columns) if (row[c] === null || row[c] === undefined) return true;
  return false;
}

/** Most batches one load of a static side may take before it is given up as not ending. */
const maxLoadBatches = 100_000;

/**
 * Reads a bounded sub-graph to its end, on its own: every source from its initial offset, all
 * available each batch, until all are exhausted (the last batch marked `final`, so bounded
 * aggregates and joins in it emit). `build` wires the sub-graph over the epochs it is given and
 * returns the output node's batches; it is called once per load, so no state carries over.
 */
export async function loadBounded(
  sources: readonly { readonly id: string; readonly reader: SourceReader }[],
  build: (epochs: Observable<Epoch>) => Observable<Batch>,
  time: number,
): Promise<Row[]> {
  const epochs = new Subject<Epoch>();
  const rows: Row[] = [];
  let waiting: { resolve: () => void; reject: (e: unknown) => void } | null = null;
  let failure: { error: unknown } | null = null;
  const sub: Subscription = build(epochs).subscribe({
    next: (b) => {
      for (const r of b.rows) rows.push(r);
      waiting?.resolve();
    },
    error: (e: unknown) => {
      failure = { error: e };
      waiting?.reject(e);
    },
  });
  try {
    const offsets = new Map<string, Offset>();
    for (const s of sources) offsets.set(s.id, await s.reader.initialOffset());
    for (let batchId = 0; batchId < maxLoadBatches; batchId++) {
      const reads = new Map<string, { start: Offset; end: Offset } | null>();
      let exhausted = true;
      let hasData = false;
      for (const s of sources) {
        const start = offsets.get(s.id)!;
        const end = s.reader.isExhausted(start)
          ? null
          : await s.reader.planBatch(start, { allAvailable: true });
        reads.set(s.id, end === null ? null : { start, end });
        if (end !== null) hasData = true;
        if (!s.reader.isExhausted(end ?? start)) exhausted = false;
      }
      if (!hasData && !exhausted)
        throw new Error('the static side of a lookup join has no more rows but has not ended');
      const epoch: Epoch = { batchId, final: exhausted, time, reads };
      if (failure) throw (failure as { error: unknown }).error;
      await new Promise<void>((resolve, reject) => {
        waiting = { resolve, reject };
        epochs.next(epoch);
      });
      waiting = null;
      for (const [id, r] of reads) if (r) offsets.set(id, r.end);
      if (exhausted) return rows;
    }
    throw new Error(`the static side of a lookup join took more than ${maxLoadBatches} batches`);
  } finally {
    epochs.complete();
    sub.unsubscribe();
  }
}

/** Builds one node of a sub-graph from its inputs' batches, over the sub-graph's own epochs. */
export type NodeBuilder = (
  node: PlanNode,
  inputIds: readonly string[],
  inputs: readonly Observable<Batch>[],
  epochs: Observable<Epoch>,
) => Observable<Batch>;

/**
 * Reads the static side of a lookup join whole: node `id` and everything upstream of it, built
 * afresh (so bounded steps start empty) and run over their own epochs by `loadBounded`.
 */
export function loadStaticSide(
  plan: Plan,
  id: string,
  readers: ReadonlyMap<string, SourceReader>,
  buildNode: NodeBuilder,
  time: number,
): Promise<Row[]> {
  const byId = new Map(plan.nodes.map((n) => [n.id, n] as const));
  const needed = new Set<string>();
  const queue = [id];
  while (queue.length > 0) {
    const next = queue.pop()!;
    if (needed.has(next)) continue;
    needed.add(next);
    const node = byId.get(next);
    if (node) queue.push(...nodeInputs(node));
  }
  const nodes = plan.nodes.filter((n) => needed.has(n.id));
  const sources = nodes
    .filter((n) => n.kind === 'source')
    .map((n) => ({ id: n.id, reader: readers.get(n.id)! }));
  return loadBounded(
    sources,
    (epochs) => {
      const built = new Map<string, Observable<Batch>>();
      for (const node of nodes) {
        const ids = nodeInputs(node);
        const inputs = ids.map((i) => built.get(i)!);
        built.set(node.id, buildNode(node, ids, inputs, epochs).pipe(share()));
      }
      return built.get(id)!;
    },
    time,
  );
}

/**
 * A stream–static (lookup) join, inner or left: the static right side is loaded whole into a hash
 * table on its keys (`load`) before the first left batch is joined, and loaded again before the
 * first batch at least `refresh` ms (processing time: the batch instants of the scheduler) after
 * the last load. A reload replaces the table between batches, so a batch sees one version only.
 */
export function lookupJoin(
  node: JoinNode,
  columns: JoinColumns,
  load: (time: number) => Promise<Row[]>,
  metrics: NodeMetrics,
): (left: Observable<Batch>) => Observable<Batch> {
  const leftKey = keyFunction(node.on.left);
  const rightKey = keyFunction(node.on.right);
  const refresh = node.lookup?.refresh;
  const outer = node.joinType === 'left';
  return (left$) =>
    defer(() => {
      let table: Map<unknown, Row[]> | null = null;
      let rightCols = columns.right;
      let loadedAt = 0;
      let combine: ((l: Row, r: Row | null) => Row) | null = null;
      let combineFor: readonly string[] | null = null;
      return left$.pipe(
        concatMap(async (b) => {
          const now = b.epoch.time;
          if (table === null || (refresh !== undefined && now - loadedAt >= refresh)) {
            const rows = await load(now);
            const next = new Map<unknown, Row[]>();
            for (const r of rows) {
              if (hasNullKey(r, node.on.right)) continue;
              const k = rightKey(r);
              const list = next.get(k);
              if (list) list.push(r);
              else next.set(k, [r]);
            }
            table = next;
            loadedAt = now;
            rightCols = columns.right ?? (rows[0] ? Object.keys(rows[0]) : rightCols);
            metrics.stateRows = rows.length;
          }
          if (b.rows.length === 0) return batchOf(b.epoch, []);
          const leftCols = columns.left ?? Object.keys(b.rows[0]!);
          if (combine === null || combineFor !== leftCols) {
            combine = joinRowBuilder(node, leftCols, rightCols ?? []);
            combineFor = leftCols;
          }
          const out: Row[] = [];
          for (const l of b.rows) {
            const rs = hasNullKey(l, node.on.left) ? undefined : table.get(leftKey(l));
            if (rs) for (const r of rs) out.push(combine(l, r));
            else if (outer) out.push(combine(l, null));
          }
          return batchOf(b.epoch, out);
        }),
      );
    });
}
