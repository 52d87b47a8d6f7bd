import { createHash, createHmac } from 'node:crypto';
import type { S3Credentials } from '@pipekit/core';

/** Percent-encoding of everything but RFC 3986's unreserved characters, as SigV4 signs. */
export function rfc3986(s: string): string {
  return encodeURIComponent(s).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

const hmac = (key: string | Buffer, data: string): Buffer =>
  createHmac('sha256', key).update(data).digest();
const sha256Hex = (data: string | Uint8Array): string =>
  createHash('sha256').update(data).digest('hex');

/** The canonical query string: keys sorted, keys and values RFC 3986-encoded. */
export function canonicalQuery(query: Readonly<Record<string, string>>): string {
  return Object.keys(query)
    .sort()
    .map((k) => `${rfc3986(k)}=${rfc3986(query[k]!)}`)
    .join('&');
}

export interface SignRequest {
  readonly method: string;
  /** The URI path as sent, already encoded (S3 signs it as is, without encoding it again). */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** Lower-case names; `host` included. All of them are signed. */
  readonly headers: Readonly<Record<string, string>>;
  readonly payloadHash: string;
}

/**
 * AWS Signature Version 4 for S3 (service `s3`): the headers to add (`x-amz-date`, the session
 * token, `authorization`). Written here rather than taken from the AWS SDK: it is the whole of
 * what the file connectors need, and the SDK's packages do not load under every test resolver.
 */
export function signS3(
  req: SignRequest,
  credentials: S3Credentials,
  region: string,
  now = new Date(),
): Record<string, string> {
  const amzDate = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const added: Record<string, string> = { 'x-amz-date': amzDate };
  if (credentials.sessionToken) added['x-amz-security-token'] = credentials.sessionToken;
  const headers: Record<string, string> = { ...req.headers, ...added };
  const names = Object.keys(headers)
    .map((h) => h.toLowerCase())
    .sort();
  const lower = Object.fromEntries(
    Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v.trim().replace(/\s+/g, ' ')]),
  );
  const signedHeaders = names.join(';');
  const canonical = [
    req.method,
    req.path,
    canonicalQuery(req.query),
    names.map((n) => `${n}:${lower[n]}\n`).join(''),
    signedHeaders,
    req.payloadHash,
  ].join('\n');
  const scope = `${day}/${region}/s3/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonical)].join('\n');
  const key = hmac(
    hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), region), 's3'),
    'aws4_request',
  );
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  added.authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return added;
}

export { sha256Hex };
