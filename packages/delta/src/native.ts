import * as addon from '@pipekit/delta-native';
import { fromNativeError } from './delta-errors.js';

/** The raw addon functions (see native/delta/src/lib.rs). Prefer `DeltaTable`. */
export const native = addon;

/** Call into the addon, turning its errors into `DeltaError`s for `tablePath`. */
export async function callNative<T>(tablePath: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    throw fromNativeError(e, tablePath);
  }
}

/** A zero-copy Node Buffer view of IPC bytes, as the addon takes them. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
