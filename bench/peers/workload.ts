/**
 * The peer benchmarks' input and the results every engine must produce from it (bench/peers/).
 * One input topic serves W1–W3: JSON events keyed by `userId`, made from their index `n` alone, so
 * the expected results are computed here, not taken from one engine and compared with another.
 *
 * Event `n` of `records`: `userId` one of 100k keys, `kind` view/click/purchase in turn, `amount`
 * 0–499, `ts` = start + n × step, the step such that the input spans 20 minutes of event time
 * (1.2 ms for 1M events). From n ≥ 0.3 × records on, one event in 14 (5% of all) is 10 minutes
 * late: far behind every engine's watermark (delay 30 s), so every engine drops it, whatever its
 * batch boundaries. The first 30% have none, so no engine sees a late event in a micro-batch that
 * has no watermark yet (the first; Spark may make it larger than maxOffsetsPerTrigger).
 */
export const KEYS = 100_000;
export const START = Date.parse('2026-01-01T00:00:00.000Z');
export const WINDOW_MS = 60_000;
/** Watermark delay (Spark, pipekit) and grace (Kafka Streams). */
export const DELAY_MS = 30_000;
const LATE_BY_MS = 10 * 60_000;
const KINDS = ['view', 'click', 'purchase'] as const;

export interface Event {
  readonly id: number;
  readonly userId: string;
  readonly kind: string;
  readonly amount: number;
  /** Epoch milliseconds. */
  readonly ts: number;
}

export const isLate = (n: number, records: number) => n >= records * 0.3 && n % 14 === 0;
/** Event time advanced per event, ms. */
export const stepMs = (records: number) => (20 * 60_000) / records;

export function eventOf(n: number, records: number): Event {
  // A multiplicative hash spreads consecutive events over the keys.
  const key = Number((BigInt(n) * 2654435761n) % BigInt(KEYS));
  return {
    id: n,
    userId: `user-${key}`,
    kind: KINDS[n % 3]!,
    amount: (n * 7919) % 500,
    ts: START + Math.floor(n * stepMs(records)) - (isLate(n, records) ? LATE_BY_MS : 0),
  };
}

export const eventJson = (e: Event) => JSON.stringify({ ...e, ts: new Date(e.ts).toISOString() });

/** W1 and W3's filter: purchases over 100. */
export const kept = (e: Event) => e.kind === 'purchase' && e.amount > 100;

/** What W1 (to Kafka) and W3 (to Delta) must write: how many rows, and checksums of id and amount. */
export interface FilterResult {
  readonly rows: number;
  readonly idSum: number;
  readonly amountSum: number;
}

export function expectedFilter(records: number): FilterResult {
  let rows = 0;
  let idSum = 0;
  let amountSum = 0;
  for (let n = 0; n < records; n++) {
    const e = eventOf(n, records);
    if (!kept(e)) continue;
    rows++;
    idSum += e.id;
    amountSum += e.amount;
  }
  return { rows, idSum, amountSum };
}

export interface WindowAggregate {
  readonly events: number;
  readonly revenue: number;
  readonly biggest: number;
}

/** W2: (window start ms, userId) → count/sum/max over the on-time events. */
export function expectedWindows(records: number): Map<string, WindowAggregate> {
  const groups = new Map<string, { events: number; revenue: number; biggest: number }>();
  for (let n = 0; n < records; n++) {
    if (isLate(n, records)) continue;
    const e = eventOf(n, records);
    const k = `${e.ts - (e.ts % WINDOW_MS)}|${e.userId}`;
    const g = groups.get(k);
    if (g) {
      g.events++;
      g.revenue += e.amount;
      g.biggest = Math.max(g.biggest, e.amount);
    } else groups.set(k, { events: 1, revenue: e.amount, biggest: e.amount });
  }
  return groups;
}

/**
 * The windows every engine must have emitted by the end: those whose end is behind the last
 * watermark by more than one micro-batch of event time (an engine emits a window in the batch after
 * the watermark passes it). Later windows may be emitted or not; when they are, they must be right.
 */
export function surelyClosedBefore(records: number, batchRecords: number): number {
  const lastTs = START + Math.floor((records - 1) * stepMs(records));
  return lastTs - DELAY_MS - batchRecords * stepMs(records) - WINDOW_MS;
}
