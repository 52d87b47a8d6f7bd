/** One input event: `ts` in epoch ms. */
export interface Event {
  readonly id: number;
  readonly user: string;
  readonly amount: number;
  readonly ts: number;
}

/** The sink's content against an independent computation over the input. */
export interface Comparison {
  /** What the input says the sink must hold (rows, keys or windows). */
  readonly expected: number;
  readonly lost: number;
  readonly duplicated: number;
  /** In the sink but not computed from the input, or with other values. */
  readonly wrong: number;
}

function counts<K>(keys: Iterable<K>): Map<K, number> {
  const m = new Map<K, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}

/** Multisets of rows: each input record must be in the sink as many times as in the input. */
function compareMultisets(expected: Map<string, number>, actual: Map<string, number>): Comparison {
  let lost = 0;
  let duplicated = 0;
  let wrong = 0;
  let total = 0;
  for (const [k, n] of expected) {
    total += n;
    const got = actual.get(k) ?? 0;
    if (got < n) lost += n - got;
    if (got > n) duplicated += got - n;
  }
  for (const [k, n] of actual) if (!expected.has(k)) wrong += n;
  return { expected: total, lost, duplicated, wrong };
}

const rowKey = (r: { id: unknown; user: unknown; amount: unknown; ts: unknown }) =>
  `${Number(r.id)}|${String(r.user)}|${Number(r.amount)}|${new Date(r.ts as string).getTime()}`;

/** Append sinks: every input event once, with its values. */
export function compareRows(
  input: readonly Event[],
  sink: readonly Record<string, unknown>[],
): Comparison {
  return compareMultisets(
    counts(input.map(rowKey)),
    counts(sink.map((r) => rowKey(r as unknown as Event))),
  );
}

/**
 * Upserts keyed by user: the table holds, per user, the event last in its partition (the input is
 * keyed by user, so `input` order within a user is partition order). A missing or stale user is lost.
 */
export function compareUpserts(
  input: readonly Event[],
  sink: readonly Record<string, unknown>[],
): Comparison {
  const last = new Map<string, Event>();
  for (const e of input) last.set(e.user, e);
  const byUser = counts(sink.map((r) => String(r.user)));
  let lost = 0;
  let wrong = 0;
  for (const [user, e] of last) {
    const row = sink.find((r) => r.user === user);
    if (row === undefined || Number(row.id) !== e.id) lost++;
  }
  for (const [user] of byUser) if (!last.has(user)) wrong++;
  const duplicated = [...byUser.values()].reduce((a, n) => a + (n - 1), 0);
  return { expected: last.size, lost, duplicated, wrong };
}

/** Tumbling windows of `sizeMs` per user with count and sum, as an uninterrupted run emits them. */
export function compareWindows(
  input: readonly Event[],
  sink: readonly Record<string, unknown>[],
  sizeMs: number,
): Comparison {
  const windows = new Map<string, { n: number; total: number }>();
  // Duplicated input records (a producer retry) count twice, as the pipeline sees them.
  for (const e of input) {
    const start = Math.floor(e.ts / sizeMs) * sizeMs;
    const k = `${start}|${e.user}`;
    const w = windows.get(k) ?? { n: 0, total: 0 };
    w.n++;
    w.total += e.amount;
    windows.set(k, w);
  }
  const expected = counts([...windows].map(([k, w]) => `${k}|${w.n}|${w.total}`));
  const actual = counts(
    sink.map(
      (r) =>
        `${new Date(r.window_start as string).getTime()}|${String(r.user)}|${Number(r.n)}|${Number(r.total)}`,
    ),
  );
  return compareMultisets(expected, actual);
}
