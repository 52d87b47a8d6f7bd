import { z } from 'zod';

/**
 * zod schemas for the Spark column types zod has no own type for. Each is a plain zod schema
 * with a `pipekitType` tag that `schemaFromZod` reads, so the plan gets the exact column type.
 */

/** A number of milliseconds since 1970 that holds event time. */
export type EpochMillis = number & z.$brand<'EpochMillis'>;

/**
 * Event time kept as epoch milliseconds; such a column can carry a watermark
 * (`watermark('ts', ...)`) as a Date column can.
 */
export function epochMillis() {
  return z.number().int().brand<'EpochMillis'>().meta({ pipekitType: 'epochMillis' });
}

/** A Spark `decimal(precision, scale)` column, held as a JS number. */
export function decimal(precision: number, scale: number) {
  return z.number().meta({ pipekitType: `decimal(${precision},${scale})` });
}

/** A 64-bit integer column (`long`, `bigint`), held as a JS number. */
export function long() {
  return z.number().int().meta({ pipekitType: 'long' });
}

/** A 32-bit integer column (`integer`, `int`). */
export function integer() {
  return z.int().meta({ pipekitType: 'integer' });
}

/** A 16-bit integer column (`short`, `smallint`). */
export function short() {
  return z.int().meta({ pipekitType: 'short' });
}

/** An 8-bit integer column (`byte`, `tinyint`). */
export function byte() {
  return z.int().meta({ pipekitType: 'byte' });
}

/** A 32-bit floating-point column (`float`, `real`). */
export function float() {
  return z.number().meta({ pipekitType: 'float' });
}

/** A calendar date column (`date`), held as a Date at UTC midnight; ISO strings are accepted. */
export function date() {
  return z.coerce.date().meta({ pipekitType: 'date' });
}

/** A binary column (`binary`), held as bytes. */
export function binary() {
  return z.instanceof(Uint8Array).meta({ pipekitType: 'binary' });
}
