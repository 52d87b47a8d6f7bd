import type { S3Endpoint } from '@pipekit/core';
import { canonicalQuery, rfc3986, sha256Hex, signS3 } from './sigv4.js';

/**
 * A request the store refused or could not answer: a failure while the pipeline runs (the runtime
 * names the node), not a mistake in its definition. `code` is S3's (`NoSuchBucket`), when given.
 */
export class S3Error extends Error {
  override readonly name = 'S3Error';
  constructor(
    message: string,
    readonly status: number | null,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** S3's error answer: `<Error><Code>NoSuchKey</Code>...`. */
function errorCode(xml: string): string | undefined {
  return /<Code>([^<]*)<\/Code>/.exec(xml)?.[1];
}

function unescapeXml(s: string): string {
  return s.replace(/&(lt|gt|quot|apos|amp|#\d+|#x[0-9a-f]+);/gi, (_, e: string) => {
    switch (e.toLowerCase()) {
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
      case 'amp':
        return '&';
      default:
        return String.fromCodePoint(
          e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1)),
        );
    }
  });
}

/** S3 error codes that mean the credentials (not the request) are wrong or expired. */
const authCodes = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
  'TokenRefreshRequired',
]);

/** An object listed under a prefix. */
export interface S3Object {
  readonly key: string;
  readonly size: number;
}

type Method = 'GET' | 'PUT' | 'HEAD' | 'DELETE';

/**
 * The few S3 calls the file connectors need (get, put with `If-None-Match`, list, delete, create
 * bucket), signed with SigV4 over `fetch`. Errors name the endpoint, bucket
 * and key, never a credential. After an authentication failure the client asks `reresolve` for
 * fresh credentials (a rotated secret) and retries once.
 */
export class S3Client {
  private endpoint: S3Endpoint;

  constructor(
    endpoint: S3Endpoint,
    private readonly reresolve?: () => Promise<S3Endpoint | null>,
  ) {
    this.endpoint = endpoint;
  }

  get where(): string {
    return this.endpoint.where;
  }

  private url(bucket: string, key: string, query: Record<string, string>): URL {
    const base = new URL(this.endpoint.endpoint);
    const encodedKey = key.split('/').map(rfc3986).join('/');
    const prefix = base.pathname.replace(/\/+$/, '');
    if (this.endpoint.pathStyle) base.pathname = `${prefix}/${bucket}/${encodedKey}`;
    else {
      base.hostname = `${bucket}.${base.hostname}`;
      base.pathname = `${prefix}/${encodedKey}`;
    }
    // RFC 3986 encoding, as SigV4 signs it (URLSearchParams would write a space as `+`).
    base.search = canonicalQuery(query);
    return base;
  }

  private async send(
    method: Method,
    bucket: string,
    key: string,
    opts: {
      query?: Record<string, string>;
      body?: Uint8Array;
      headers?: Record<string, string>;
    } = {},
    retried = false,
  ): Promise<Response> {
    const url = this.url(bucket, key, opts.query ?? {});
    const body = opts.body;
    const headers: Record<string, string> = {
      host: url.host,
      'x-amz-content-sha256': sha256Hex(body ?? new Uint8Array()),
      ...opts.headers,
    };
    const credentials = this.endpoint.credentials;
    if (credentials)
      Object.assign(
        headers,
        signS3(
          {
            method,
            path: url.pathname,
            query: opts.query ?? {},
            headers,
            payloadHash: headers['x-amz-content-sha256']!,
          },
          credentials,
          this.endpoint.region,
        ),
      );
    delete headers.host;
    let res: Response;
    try {
      // The bytes as fetch's DOM typing names them (a view of an ArrayBuffer; never shared here).
      const sent = body as Uint8Array<ArrayBuffer> | undefined;
      res = await fetch(url, { method, headers, ...(sent ? { body: sent } : {}) });
    } catch (e) {
      throw new S3Error(
        `${this.where}: ${method} s3://${bucket}/${key} failed: ${(e as Error).message} (is the endpoint reachable?)`,
        null,
        undefined,
      );
    }
    if ((res.status === 403 || res.status === 400) && !retried && this.reresolve) {
      const text = await res.clone().text();
      if (authCodes.has(errorCode(text) ?? '')) {
        const next = await this.reresolve();
        if (next) {
          this.endpoint = next;
          return this.send(method, bucket, key, opts, true);
        }
      }
    }
    return res;
  }

  private async fail(res: Response, what: string): Promise<never> {
    const text = await res.text().catch(() => '');
    const code = errorCode(text);
    const hint =
      code !== undefined && authCodes.has(code)
        ? ' (check the access key and secret key references)'
        : code === 'NoSuchBucket'
          ? ' (create the bucket first)'
          : '';
    throw new S3Error(
      `${this.where}: ${what}: HTTP ${res.status}${code ? ` ${code}` : ''}${hint}`,
      res.status,
      code,
    );
  }

  /** The object's bytes, or null when there is no such key. */
  async get(bucket: string, key: string): Promise<Uint8Array | null> {
    const res = await this.send('GET', bucket, key);
    if (res.status === 404) {
      await res.body?.cancel();
      return null;
    }
    if (!res.ok) return this.fail(res, `cannot read s3://${bucket}/${key}`);
    return new Uint8Array(await res.arrayBuffer());
  }

  /** Whether the key exists. */
  async exists(bucket: string, key: string): Promise<boolean> {
    const res = await this.send('HEAD', bucket, key);
    await res.body?.cancel();
    if (res.status === 404) return false;
    if (!res.ok) return this.fail(res, `cannot look at s3://${bucket}/${key}`);
    return true;
  }

  /**
   * Write an object. With `ifAbsent`, a conditional put (`If-None-Match: *`): returns false and
   * changes nothing when the key exists already.
   */
  async put(bucket: string, key: string, body: Uint8Array, ifAbsent = false): Promise<boolean> {
    const res = await this.send('PUT', bucket, key, {
      body,
      headers: ifAbsent ? { 'if-none-match': '*' } : {},
    });
    if (ifAbsent && (res.status === 412 || res.status === 409)) {
      await res.body?.cancel();
      return false;
    }
    if (!res.ok) return this.fail(res, `cannot write s3://${bucket}/${key}`);
    await res.body?.cancel();
    return true;
  }

  async delete(bucket: string, key: string): Promise<void> {
    const res = await this.send('DELETE', bucket, key);
    await res.body?.cancel();
    if (!res.ok && res.status !== 404) return this.fail(res, `cannot delete s3://${bucket}/${key}`);
  }

  /** Create a bucket; an existing one (owned by these credentials) is fine. */
  async createBucket(bucket: string): Promise<void> {
    const res = await this.send('PUT', bucket, '');
    const text = await res.text();
    if (res.ok || errorCode(text) === 'BucketAlreadyOwnedByYou') return;
    throw new S3Error(
      `${this.where}: cannot create bucket ${bucket}: HTTP ${res.status} ${errorCode(text) ?? ''}`.trimEnd(),
      res.status,
      errorCode(text),
    );
  }

  /** Every object whose key starts with `prefix`, sorted by key (ListObjectsV2, all pages). */
  async list(bucket: string, prefix: string): Promise<S3Object[]> {
    const out: S3Object[] = [];
    let token: string | undefined;
    // Bounded: 10,000 pages of 1,000 keys.
    for (let page = 0; page < 10_000; page++) {
      const query: Record<string, string> = { 'list-type': '2', prefix };
      if (token) query['continuation-token'] = token;
      const res = await this.send('GET', bucket, '', { query });
      if (!res.ok) return this.fail(res, `cannot list s3://${bucket}/${prefix}`);
      const xml = await res.text();
      for (const m of xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)) {
        const key = /<Key>([\s\S]*?)<\/Key>/.exec(m[1]!)?.[1];
        const size = /<Size>(\d+)<\/Size>/.exec(m[1]!)?.[1];
        if (key !== undefined) out.push({ key: unescapeXml(key), size: Number(size ?? 0) });
      }
      if (!/<IsTruncated>true<\/IsTruncated>/.test(xml)) break;
      token = /<NextContinuationToken>([\s\S]*?)<\/NextContinuationToken>/.exec(xml)?.[1];
      if (!token) break;
      token = unescapeXml(token);
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
}
