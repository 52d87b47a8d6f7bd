import type { IssuePath, PostgresConnection, SecretRef } from '@pipekit/core';
import type { Ctx } from './context.js';
import { envName, inlineSecret, vaultRef } from './secrets.js';

type Connection = { -readonly [K in keyof PostgresConnection]?: PostgresConnection[K] };

/**
 * A Postgres URL as pipekit takes it: `jdbc:` dropped, and a password in it (user:pass@ or
 * `?password=`) turned into a secret reference instead of being copied.
 */
export function postgresUrl(
  ctx: Ctx,
  raw: string,
  path: IssuePath,
  secretName: string,
): { url: string; password?: SecretRef; user?: string } {
  let url = raw.replace(/^jdbc:/, '');
  if (!/^postgres(ql)?:\/\//.test(url))
    ctx.fail(
      path,
      `'${raw}' is not a Postgres URL`,
      'jdbc:postgresql://host:port/database or postgres://host/database',
    );
  let password: SecretRef | undefined;
  let user: string | undefined;
  const inUser = /^(postgres(?:ql)?:\/\/)([^/@:]*):([^/@]*)@/.exec(url);
  if (inUser) {
    password = inlineSecret(ctx, secretName, path);
    user = decodeURIComponent(inUser[2]!);
    url = url.replace(inUser[0], `${inUser[1]}`);
  }
  const q = url.indexOf('?');
  if (q >= 0) {
    const params = new URLSearchParams(url.slice(q + 1));
    if (params.has('password')) {
      password = inlineSecret(ctx, secretName, path);
      params.delete('password');
    }
    const u = params.get('user');
    if (u !== null) {
      user = u;
      params.delete('user');
    }
    const rest = params.toString();
    url = url.slice(0, q) + (rest === '' ? '' : `?${rest}`);
  }
  return { url, ...(password ? { password } : {}), ...(user !== undefined ? { user } : {}) };
}

export interface PostgresKeys {
  readonly url?: string;
  readonly host?: string;
  readonly port?: number;
  readonly database?: string;
  readonly user?: string;
  readonly password?: string;
  readonly credentialPath?: string;
  readonly credentialId?: string;
}

/** A Postgres connection from the keys legacy configs use; `basePath` is where they sit. */
export function postgresConnection(
  ctx: Ctx,
  keys: PostgresKeys,
  pathOf: (key: keyof PostgresKeys) => IssuePath,
  secretPrefix: string,
): PostgresConnection {
  const c: Connection = {};
  const secretName = envName(secretPrefix, 'password');
  if (keys.url !== undefined) {
    const u = postgresUrl(ctx, keys.url, pathOf('url'), secretName);
    c.url = u.url;
    if (u.user !== undefined) c.user = u.user;
    if (u.password) c.password = u.password;
  }
  if (keys.host !== undefined) c.host = keys.host;
  if (keys.port !== undefined) c.port = keys.port;
  if (keys.database !== undefined) c.database = keys.database;
  if (keys.user !== undefined) c.user = keys.user;
  if (keys.password !== undefined) c.password = inlineSecret(ctx, secretName, pathOf('password'));
  if (keys.credentialPath !== undefined) c.credentials = vaultRef(keys.credentialPath);
  if (keys.credentialId !== undefined) c.credentials = vaultRef(keys.credentialId);
  if (c.url === undefined && c.host === undefined && c.credentials === undefined)
    ctx.fail(
      pathOf('url').slice(0, -1),
      'the Postgres connection names no server',
      'url, host/port/database/user/password, or credentialPath',
    );
  return c as PostgresConnection;
}

/** `"b1:9092,b2:9092"` → `['b1:9092', 'b2:9092']`. */
export function brokerList(ctx: Ctx, value: unknown, path: IssuePath): string[] {
  const list =
    typeof value === 'string'
      ? value
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '')
      : Array.isArray(value)
        ? value
        : [];
  if (list.length === 0 || !list.every((b) => typeof b === 'string' && b !== ''))
    ctx.fail(path, 'expected Kafka brokers such as "host:9092,host2:9092"');
  return list as string[];
}

/** Brokers a config does not name (the legacy app took them from its environment): a placeholder to check. */
export const placeholderBrokers = ['localhost:9092'];

export function missingBrokers(
  ctx: Ctx,
  path: IssuePath,
  what: string,
): { brokers: string[]; comment: string } {
  ctx.check(
    path,
    `the config names no Kafka brokers for ${what}: 'localhost:9092' is a placeholder to replace`,
  );
  return {
    brokers: [...placeholderBrokers],
    comment:
      'The config names no brokers (the old app had them from its environment): replace this placeholder.',
  };
}
