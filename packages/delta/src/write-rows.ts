/**
 * Rows and Arrow IPC into the addon, one commit per call. Small batches go in one call; big ones
 * as a write session whose chunks the addon turns into parquet on a tokio thread while the next
 * chunk is encoded here, so encoding and parquet writing run side by side (bench/delta.bench.ts).
 */
import type { Row, Schema } from '@pipekit/core';
import { encodeRowRange } from './arrow-encode.js';
import { DeltaError } from './delta-errors.js';
import type { WriteOptions, WriteResult } from './delta-table.js';
import { asBuffer, callNative, native } from './native.js';

/**
 * Rows per chunk of a pipelined write. A multiple of 1024 (parquet's write batch), so the files
 * come out as from one call; big enough that the per-call cost stays small, small enough that
 * a chunk's rows are still in cache when its strings are encoded.
 */
const chunkRows = 16_384;

/** The first chunk is smaller: the addon has nothing to do until it arrives. */
const firstChunkRows = 4_096;

function checkApp(path: string, options: WriteOptions): void {
  if ((options.appId === undefined) !== (options.appVersion === undefined)) {
    throw new DeltaError('INVALID_ARGUMENT', path, `${path}: appId and appVersion go together`);
  }
}

function nativeOptions(options: WriteOptions) {
  return {
    mode: options.mode,
    mergeSchema: options.mergeSchema,
    appId: options.appId,
    appVersion: options.appVersion,
    targetFileSize: options.targetFileSize,
    checkpointInterval: options.checkpointInterval,
  };
}

/** One commit of Arrow IPC stream bytes (`encodeMs`: what producing them took). */
export async function writeIpc(
  path: string,
  ipc: Uint8Array,
  options: WriteOptions,
  encodeMs: number,
): Promise<WriteResult> {
  checkApp(path, options);
  const t = performance.now();
  const { nativeMs, ...result } = await callNative(path, () =>
    native.write(path, asBuffer(ipc), nativeOptions(options)),
  );
  return { ...result, timings: { encodeMs, nativeMs, waitMs: performance.now() - t } };
}

/** One commit of rows in `schema`, pipelined when there are more than two chunks. */
export async function writeRows(
  path: string,
  rows: readonly Row[],
  schema: Schema,
  options: WriteOptions,
): Promise<WriteResult> {
  if (rows.length <= 2 * chunkRows) {
    const t = performance.now();
    const ipc = encodeRowRange(rows, 0, rows.length, schema, path);
    return writeIpc(path, ipc, options, performance.now() - t);
  }
  checkApp(path, options);
  const started = performance.now();
  let encodeMs = 0;
  // The addon locks the table and checks the app transaction while the first chunk is encoded.
  const beginning = callNative(path, () => native.beginWrite(path, nativeOptions(options)));
  let id: number | undefined;
  let skippedAt: number | undefined;
  let pending: Promise<void> = Promise.resolve();
  try {
    for (let start = 0; start < rows.length; ) {
      const end = Math.min(rows.length, start + (start === 0 ? firstChunkRows : chunkRows));
      const t = performance.now();
      const ipc = encodeRowRange(rows, start, end, schema, path);
      start = end;
      encodeMs += performance.now() - t;
      if (id === undefined) {
        const begun = await beginning;
        if (begun.id === undefined || begun.id === null) {
          skippedAt = begun.version;
          break;
        }
        id = begun.id;
      }
      const session = id;
      await pending;
      pending = callNative(path, () => native.writeChunk(session, asBuffer(ipc)));
    }
    await pending;
  } catch (e) {
    // Let the chunk in flight end, then drop the uncommitted files and release the table.
    await pending.catch(() => undefined);
    const begun =
      id ??
      (await beginning.then(
        (b) => b.id ?? undefined,
        () => undefined,
      ));
    if (begun !== undefined) await native.abortWrite(begun).catch(() => undefined);
    throw e;
  }
  const session = id;
  const { nativeMs, ...result } =
    session === undefined
      ? {
          version: skippedAt ?? -1,
          skipped: true,
          filesAdded: 0,
          rows: 0,
          addedColumns: [],
          nativeMs: 0,
        }
      : await callNative(path, () => native.finishWrite(session));
  const waitMs = Math.max(0, performance.now() - started - encodeMs);
  return { ...result, timings: { encodeMs, nativeMs, waitMs } };
}
