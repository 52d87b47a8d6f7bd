import { z } from 'zod';

/** A number of milliseconds since 1970 that holds event time. */
export type EpochMillis = number & z.$brand<'EpochMillis'>;

/**
 * A zod schema for event time kept as epoch milliseconds; such a column can carry a watermark
 * (`watermark('ts', ...)`) as a Date column can.
 */
export function epochMillis() {
  return z.number().int().brand<'EpochMillis'>().meta({ pipekitType: 'epochMillis' });
}

/** A zod schema for a Spark `decimal(precision, scale)` column, held as a JS number. */
export function decimal(precision: number, scale: number) {
  return z.number().meta({ pipekitType: `decimal(${precision},${scale})` });
}

/** A zod schema for a 64-bit integer column (`long`), held as a JS number. */
export function long() {
  return z.number().int().meta({ pipekitType: 'long' });
}
