import {
  envSecrets,
  type PostgresConnection,
  type PostgresEndpoint,
  postgresEndpoint,
  type SecretResolver,
  secretRefsIn,
} from '@pipekit/core';
import pg from 'pg';
import { isTransient } from './retry.js';
import { typeParsers } from './types.js';

/**
 * Connection settings with secrets resolved. `where` names the server for messages, never the
 * password. After an authentication failure `connect` reads the secrets again (`reresolve`), so a
 * rotated password is picked up without a restart.
 */
export interface ResolvedConnection {
  readonly config: pg.ClientConfig;
  readonly where: string;
  /** The password in use, and any used before it: blanked out of driver messages. */
  readonly passwords: readonly string[];
  /** Reads the connection's secrets again; true when they changed (and `config` was updated). */
  reresolve(): Promise<boolean>;
}

function driverConfig(e: PostgresEndpoint): pg.ClientConfig {
  return {
    host: e.host,
    port: e.port,
    ...(e.database === undefined ? {} : { database: e.database }),
    ...(e.user === undefined ? {} : { user: e.user }),
    ...(e.password === undefined ? {} : { password: e.password }),
    ...(e.ssl ? { ssl: true } : {}),
    connectionTimeoutMillis: 15_000,
    application_name: 'pipekit',
    types: typeParsers,
  };
}

/**
 * Where to connect (core's `postgresEndpoint`: options, a `postgres://` URL without a password,
 * a credential set at a secret path), as the driver's settings.
 */
export function resolveConnection(
  c: PostgresConnection,
  secrets: SecretResolver = envSecrets,
): ResolvedConnection {
  const first = postgresEndpoint(c, secrets);
  const config = driverConfig(first);
  const passwords: string[] = first.password === undefined ? [] : [first.password];
  return {
    config,
    where: first.where,
    passwords,
    async reresolve() {
      if (!secrets.refresh) return false;
      const refs = secretRefsIn({ user: c.user, password: c.password, credentials: c.credentials });
      if (refs.length === 0 || !(await secrets.refresh(refs))) return false;
      const next = postgresEndpoint(c, secrets);
      if (next.password !== undefined) passwords.push(next.password);
      delete config.user;
      delete config.password;
      Object.assign(config, driverConfig(next));
      return true;
    },
  };
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

/** The message of `e` with the passwords blanked out, whatever the driver put in it. */
export function redact(message: string, passwords: readonly string[]): string {
  return passwords.reduce((m, p) => (p ? m.replaceAll(p, '***') : m), message);
}

const authFailed = (code: string | undefined) => code === '28P01' || code === '28000';

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
  try {
    return await connectOnce(rc, reconnect);
  } catch (e) {
    // A rotated password: read the secrets again and try once more with the new ones.
    if (e instanceof PostgresConnectionError && authFailed(e.code) && (await rc.reresolve()))
      return connectOnce(rc, reconnect);
    throw e;
  }
}

async function connectOnce(rc: ResolvedConnection, reconnect: boolean): Promise<pg.Client> {
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
    const reason = redact(err.message || String(e), rc.passwords);
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
