import { PipekitError, type PostgresConnection, type SecretRef } from '@pipekit/core';
import pg from 'pg';
import { isTransient } from './retry.js';
import { typeParsers } from './types.js';

/** Turns a secret reference into its value; `undefined` when it has none. */
export type SecretResolver = (ref: SecretRef) => string | undefined;

/** The default resolver: `secret('NAME')` is the environment variable NAME. */
export const envSecrets: SecretResolver = (ref) =>
  ref.provider === 'env' ? process.env[ref.secret] : undefined;

/** Connection settings with secrets resolved. `where` names the server for messages, never the password. */
export interface ResolvedConnection {
  readonly config: pg.ClientConfig;
  readonly where: string;
  readonly password: string | undefined;
}

function resolveSecret(ref: SecretRef, path: string, resolve: SecretResolver): string {
  const value = resolve(ref);
  if (value !== undefined) return value;
  if (ref.provider === 'env')
    throw new PipekitError(
      `${path}: the environment variable ${ref.secret} is not set`,
      [],
      'postgres connection',
    );
  throw new PipekitError(
    `${path}: no secret provider resolved the ${ref.provider} reference '${ref.secret}'`,
    [],
    'postgres connection',
  );
}

/**
 * Where to connect, from options or a `postgres://` URL (which never holds a password: it comes
 * from `password: secret('NAME')`). Explicit `host`, `port`, `database` and `user` win over the URL.
 */
export function resolveConnection(
  c: PostgresConnection,
  resolve: SecretResolver = envSecrets,
): ResolvedConnection {
  if (c.credentials !== undefined)
    throw new PipekitError(
      "connection.credentials (a credential set at a secret path) needs a secret provider, which @pipekit/postgres does not have yet; give url/host, user and password: secret('NAME')",
      [],
      'postgres connection',
    );
  const url = c.url === undefined ? undefined : new URL(c.url);
  const host = c.host ?? (url?.hostname ? decodeURIComponent(url.hostname) : 'localhost');
  const port = c.port ?? (url?.port ? Number(url.port) : 5432);
  const database =
    c.database ??
    (url && url.pathname.length > 1 ? decodeURIComponent(url.pathname.slice(1)) : undefined);
  const user =
    c.user === undefined
      ? url?.username
        ? decodeURIComponent(url.username)
        : undefined
      : typeof c.user === 'string'
        ? c.user
        : resolveSecret(c.user, 'connection.user', resolve);
  const password =
    c.password === undefined
      ? undefined
      : resolveSecret(c.password, 'connection.password', resolve);
  const sslMode = url?.searchParams.get('sslmode');
  const ssl = c.ssl ?? (sslMode !== null && sslMode !== undefined && sslMode !== 'disable');
  const config: pg.ClientConfig = {
    host,
    port,
    ...(database === undefined ? {} : { database }),
    ...(user === undefined ? {} : { user }),
    ...(password === undefined ? {} : { password }),
    ...(ssl ? { ssl: true } : {}),
    connectionTimeoutMillis: 15_000,
    application_name: 'pipekit',
    types: typeParsers,
  };
  const where = `${host}:${port}${database === undefined ? '' : `/${database}`}${user === undefined ? '' : ` as ${user}`}`;
  return { config, where, password };
}

/** A failure to reach or log into the server: says where (never the password) and why. */
export class PostgresConnectionError extends Error {
  override readonly name = 'PostgresConnectionError';

  constructor(
    message: string,
    /** The driver's error code (`28P01`, `ECONNREFUSED`, ...). */
    readonly code: string | undefined,
    /** Whether trying again may help: only for a server that was reachable before (a restart). */
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/** The message of `e` with the password (if any) blanked out, whatever the driver put in it. */
export function redact(message: string, password: string | undefined): string {
  return password ? message.replaceAll(password, '***') : message;
}

function hintFor(code: string | undefined): string {
  switch (code) {
    case '28P01':
    case '28000':
      return ' (check connection.user and the secret behind connection.password)';
    case '3D000':
      return ' (check connection.database or the URL path)';
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return ' (is the server running, and are host and port right?)';
    default:
      return '';
  }
}

/**
 * Opens a client; times are exchanged in UTC (`TimeZone = 'UTC'`) so timestamps read back exactly.
 * `reconnect`: the server was reached before, so a refused connection is worth retrying (it is
 * restarting); a first connection fails at once with what to check.
 */
export async function connect(rc: ResolvedConnection, reconnect = false): Promise<pg.Client> {
  const client = new pg.Client(rc.config);
  // A server that goes away under an idle client emits 'error'; without a listener Node would crash.
  // The next query on it fails and the caller reconnects.
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query(
      "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET extra_float_digits = 3",
    );
    return client;
  } catch (e) {
    await client.end().catch(() => {});
    const err = e as { message?: string; code?: string };
    const reason = redact(err.message || String(e), rc.password);
    throw new PostgresConnectionError(
      `cannot connect to PostgreSQL at ${rc.where}: ${reason}${hintFor(err.code)}`,
      err.code,
      reconnect && isTransient(e),
    );
  }
}

/** Closes a client, ignoring errors (it may already be broken). */
export async function closeQuietly(client: pg.Client | undefined): Promise<void> {
  if (client) await client.end().catch(() => {});
}
