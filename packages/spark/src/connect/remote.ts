import { PipekitError } from '@pipekit/core';

/** Where a Spark Connect server is, from an `sc://host:port/;param=value` URL. */
export interface SparkRemote {
  readonly host: string;
  readonly port: number;
  /** Bearer token (`;token=`), sent as the `authorization` header; only over TLS in Spark's clients. */
  readonly token?: string;
  readonly userId: string;
  readonly useSsl: boolean;
  /** The URL without its token, for messages and logs. */
  readonly display: string;
}

/** The server `test/services/spark.sh` starts, and Spark Connect's own default port. */
export const defaultRemote = 'sc://127.0.0.1:15002';

/**
 * Parses a Spark Connect URL as Spark's clients do: `sc://host[:port]/;token=...;user_id=...;use_ssl=true`.
 * The port defaults to 15002.
 */
export function parseRemote(url: string): SparkRemote {
  const m = /^sc:\/\/(\[[^\]]+\]|[^:/;]+)(?::(\d+))?\/?(;.*)?$/.exec(url.trim());
  if (!m)
    throw new PipekitError('not a Spark Connect URL', [
      {
        path: ['remote'],
        message: `expected sc://host:port, got '${url.replace(/token=[^;]*/g, 'token=***')}'`,
        fix: `e.g. ${defaultRemote}`,
      },
    ]);
  const params = new Map<string, string>();
  for (const part of (m[3] ?? '').split(';').filter((p) => p !== '')) {
    const eq = part.indexOf('=');
    if (eq > 0) params.set(part.slice(0, eq).toLowerCase(), decodeURIComponent(part.slice(eq + 1)));
  }
  const host = m[1]!.replace(/^\[|\]$/g, '');
  const port = m[2] === undefined ? 15002 : Number(m[2]);
  const token = params.get('token');
  return {
    host,
    port,
    ...(token === undefined ? {} : { token }),
    userId: params.get('user_id') ?? process.env.USER ?? 'pipekit',
    useSsl: params.get('use_ssl') === 'true' || token !== undefined,
    display: `sc://${m[1]}:${port}`,
  };
}
