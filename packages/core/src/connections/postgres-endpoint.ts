import { PipekitError } from '../errors/pipekit-error.js';
import { describeSecretRef } from '../plan/secret.js';
import type { PostgresConnection } from '../plan/sources/postgres-connection.js';
import type { SecretResolver } from '../secrets/secret-resolver.js';

/**
 * A Postgres connection with its secrets read: what the Node driver and Spark's JDBC source both
 * connect with. `password` is the only field that holds a secret value; messages use `where`.
 */
export interface PostgresEndpoint {
  readonly host: string;
  readonly port: number;
  readonly database: string | undefined;
  readonly user: string | undefined;
  readonly password: string | undefined;
  readonly ssl: boolean;
  /** `host:port/database as user`, for messages (never the password). */
  readonly where: string;
}

/** The fields a credential set (`credentials: secret.vault('secret/data/pg')`) may hold. */
interface CredentialSet {
  readonly url?: string;
  readonly host?: string;
  readonly port?: string | number;
  readonly database?: string;
  readonly dbname?: string;
  readonly user?: string;
  readonly username?: string;
  readonly password?: string;
}

function credentialSet(
  c: PostgresConnection,
  secrets: SecretResolver,
  path: string,
): CredentialSet | undefined {
  if (c.credentials === undefined) return undefined;
  const text = secrets(c.credentials, `${path}.credentials`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new PipekitError(
      `${path}.credentials: ${describeSecretRef(c.credentials)} must hold a credential set, fields such as username and password (and optionally url, host, port, database)`,
    );
  return parsed as CredentialSet;
}

const decoded = (s: string | undefined): string | undefined =>
  s === undefined || s === '' ? undefined : decodeURIComponent(s);

/**
 * Where to connect and as whom, from the options, a `postgres://` URL (which never holds a
 * password) and a credential set at a secret path, in that order of precedence.
 */
export function postgresEndpoint(
  c: PostgresConnection,
  secrets: SecretResolver,
  path = 'connection',
): PostgresEndpoint {
  const cred = credentialSet(c, secrets, path);
  const urlText = c.url ?? cred?.url;
  const url = urlText === undefined ? undefined : new URL(urlText.replace(/^jdbc:/, ''));
  const host = c.host ?? decoded(url?.hostname) ?? cred?.host ?? 'localhost';
  const port = c.port ?? (url?.port ? Number(url.port) : undefined) ?? Number(cred?.port ?? 5432);
  const database =
    c.database ??
    (url && url.pathname.length > 1 ? decodeURIComponent(url.pathname.slice(1)) : undefined) ??
    cred?.database ??
    cred?.dbname;
  const user =
    c.user === undefined
      ? (decoded(url?.username) ?? cred?.username ?? cred?.user)
      : typeof c.user === 'string'
        ? c.user
        : secrets(c.user, `${path}.user`);
  const password =
    c.password === undefined ? cred?.password : secrets(c.password, `${path}.password`);
  const sslMode = url?.searchParams.get('sslmode');
  const ssl = c.ssl ?? (sslMode !== null && sslMode !== undefined && sslMode !== 'disable');
  const where = `${host}:${port}${database === undefined ? '' : `/${database}`}${user === undefined ? '' : ` as ${user}`}`;
  return { host, port, database, user, password, ssl, where };
}
