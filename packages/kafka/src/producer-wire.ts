import type { IHeaders, Message } from 'kafkajs';

/** What a message has besides its value and key; rare (headers, dead letters), so kept apart. */
interface Extra {
  readonly headers?: IHeaders;
  readonly partition?: number;
  readonly timestamp?: string;
}

/**
 * Messages of one topic as memory that moves to the producer thread without a copy: values and
 * keys as bytes in one buffer, and per message four offsets into it (value start and end, key start
 * and end; -1 for null). Headers, explicit partitions and timestamps go along as they are.
 */
export interface PackedMessages {
  readonly count: number;
  readonly bytes: ArrayBuffer;
  readonly index: Int32Array;
  readonly extras: readonly (Extra | null)[] | null;
}

/** Packs messages; a string value or key is written as UTF-8, as kafkajs would write it. */
export function pack(messages: readonly Message[]): PackedMessages {
  let size = 1024;
  for (const m of messages) size += lengthOf(m.value) + lengthOf(m.key);
  // Not `Buffer.allocUnsafe`: small ones come from a shared pool, whose memory cannot be moved.
  let buf = Buffer.from(new ArrayBuffer(size));
  let at = 0;
  const index = new Int32Array(messages.length * 4);
  let extras: (Extra | null)[] | null = null;

  const put = (v: Buffer | string | null | undefined, slot: number): void => {
    if (v === null || v === undefined) {
      index[slot] = -1;
      index[slot + 1] = -1;
      return;
    }
    let n = typeof v === 'string' ? v.length * 3 : v.length;
    if (at + n > buf.length) {
      if (typeof v === 'string') n = Buffer.byteLength(v);
      if (at + n > buf.length) {
        const bigger = Buffer.from(new ArrayBuffer(Math.max(buf.length * 2, at + n)));
        buf.copy(bigger, 0, 0, at);
        buf = bigger;
      }
    }
    index[slot] = at;
    at += typeof v === 'string' ? buf.write(v, at) : v.copy(buf, at);
    index[slot + 1] = at;
  };

  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    put(m.value, i * 4);
    put(m.key, i * 4 + 2);
    if (m.headers !== undefined || m.partition !== undefined || m.timestamp !== undefined) {
      extras ??= new Array<Extra | null>(messages.length).fill(null);
      extras[i] = { headers: m.headers, partition: m.partition, timestamp: m.timestamp };
    }
  }
  return { count: messages.length, bytes: buf.buffer as ArrayBuffer, index, extras };
}

/** What `postMessage` should move rather than copy. */
export function transferables(p: PackedMessages): ArrayBuffer[] {
  return [p.bytes, p.index.buffer as ArrayBuffer];
}

/** The messages again, values and keys as Buffers over the packed bytes. */
export function unpack(p: PackedMessages): Message[] {
  const buf = Buffer.from(p.bytes);
  const { index, extras } = p;
  const out = new Array<Message>(p.count);
  for (let i = 0; i < p.count; i++) {
    const v = index[i * 4]!;
    const k = index[i * 4 + 2]!;
    const m: Message = {
      value: v < 0 ? null : buf.subarray(v, index[i * 4 + 1]),
      key: k < 0 ? null : buf.subarray(k, index[i * 4 + 3]),
    };
    const e = extras?.[i];
    if (e) {
      if (e.headers !== undefined) m.headers = headersBack(e.headers);
      if (e.partition !== undefined) m.partition = e.partition;
      if (e.timestamp !== undefined) m.timestamp = e.timestamp;
    }
    out[i] = m;
  }
  return out;
}

function lengthOf(v: Buffer | string | null | undefined): number {
  return v === null || v === undefined ? 0 : v.length;
}

/** A Buffer travels between threads as a plain Uint8Array; kafkajs wants Buffers back. */
function headersBack(h: IHeaders): IHeaders {
  const out: IHeaders = {};
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? v.map(asBuffer) : asBuffer(v);
  }
  return out;
}

function asBuffer(v: Buffer | string): Buffer | string {
  if (typeof v === 'string' || Buffer.isBuffer(v)) return v;
  const u = v as Uint8Array;
  return Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}
