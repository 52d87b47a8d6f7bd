import { type SecretProvider, type SecretRef, SecretUnavailableError } from '@pipekit/core';

/** How to reach Vault and log in. `vaultSettingsFromEnv` reads the usual `VAULT_*` variables. */
export interface VaultSettings {
  /** `VAULT_ADDR`, e.g. `https://vault.example.com:8200`. */
  readonly address: string | undefined;
  /** `VAULT_TOKEN`: used as is when set. */
  readonly token?: string | undefined;
  /** `VAULT_NAMESPACE` (Vault Enterprise / HCP): sent as `X-Vault-Namespace`. */
  readonly namespace?: string | undefined;
  /** AppRole login (`VAULT_ROLE_ID`, `VAULT_SECRET_ID`), used when no token is given. */
  readonly appRole?: {
    readonly roleId: string;
    readonly secretId: string;
    readonly mount?: string;
  };
  /** Per request; default 10 s. */
  readonly timeoutMs?: number;
}

export function vaultSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): VaultSettings {
  const roleId = env.VAULT_ROLE_ID;
  const secretId = env.VAULT_SECRET_ID;
  return {
    address: env.VAULT_ADDR,
    token: env.VAULT_TOKEN || undefined,
    namespace: env.VAULT_NAMESPACE || undefined,
    ...(roleId && secretId
      ? {
          appRole: {
            roleId,
            secretId,
            ...(env.VAULT_APPROLE_MOUNT ? { mount: env.VAULT_APPROLE_MOUNT } : {}),
          },
        }
      : {}),
  };
}

/**
 * The KV v2 read path of a reference: `secret/data/pg` as given; `secret/pg` (the CLI's form)
 * gets the `data/` segment after its mount.
 */
export function kvDataPath(path: string): string {
  const clean = path.replace(/^\/+|\/+$/g, '');
  const parts = clean.split('/');
  if (parts.length >= 2 && parts[1] === 'data') return clean;
  return [parts[0], 'data', ...parts.slice(1)].join('/');
}

interface VaultReply {
  readonly status: number;
  readonly body: unknown;
}

/**
 * `secret.vault('secret/data/pg', { key: 'password' })`: HashiCorp Vault's KV v2 HTTP API. Logs in
 * with `VAULT_TOKEN`, else AppRole (again when the token is refused: it may have expired).
 */
export function vaultSecretProvider(
  settings: VaultSettings = vaultSettingsFromEnv(),
): SecretProvider {
  let token = settings.token;
  const timeoutMs = settings.timeoutMs ?? 10_000;

  const request = async (method: string, path: string, body?: unknown): Promise<VaultReply> => {
    const address = settings.address;
    if (!address)
      throw new SecretUnavailableError(
        'VAULT_ADDR is not set',
        'export VAULT_ADDR=https://vault:8200 and VAULT_TOKEN (or VAULT_ROLE_ID and VAULT_SECRET_ID)',
      );
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token !== undefined && !path.startsWith('auth/')) headers['x-vault-token'] = token;
    if (settings.namespace) headers['x-vault-namespace'] = settings.namespace;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(`${address.replace(/\/+$/, '')}/v1/${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name;
      throw new SecretUnavailableError(
        `Vault at ${address} cannot be reached (${cause})`,
        'is VAULT_ADDR right and the server up?',
      );
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed };
  };

  const login = async (): Promise<boolean> => {
    const role = settings.appRole;
    if (!role) return false;
    const r = await request('POST', `auth/${role.mount ?? 'approle'}/login`, {
      role_id: role.roleId,
      secret_id: role.secretId,
    });
    const t = (r.body as { auth?: { client_token?: string } } | undefined)?.auth?.client_token;
    if (r.status !== 200 || !t)
      throw new SecretUnavailableError(
        `the AppRole login was refused (HTTP ${r.status})`,
        'check VAULT_ROLE_ID and VAULT_SECRET_ID',
      );
    token = t;
    return true;
  };

  const readKv = async (ref: SecretRef): Promise<Record<string, string>> => {
    if (token === undefined && !(await login()))
      throw new SecretUnavailableError(
        'no Vault credentials',
        'export VAULT_TOKEN, or VAULT_ROLE_ID and VAULT_SECRET_ID for AppRole',
      );
    const path = kvDataPath(ref.secret);
    let r = await request('GET', path);
    // An expired AppRole token: log in again once.
    if (r.status === 403 && settings.appRole && (await login())) r = await request('GET', path);
    if (r.status === 404)
      throw new SecretUnavailableError(
        `Vault has no secret at ${path}`,
        'check the path and mount',
      );
    if (r.status === 403)
      throw new SecretUnavailableError(
        `Vault refused to read ${path} (permission denied)`,
        "check the token's policy, or VAULT_TOKEN",
      );
    const data = (r.body as { data?: { data?: unknown } } | undefined)?.data?.data;
    if (r.status !== 200 || typeof data !== 'object' || data === null)
      throw new SecretUnavailableError(
        `Vault answered HTTP ${r.status} for ${path}, not a KV v2 secret`,
        'is the mount a KV version 2 engine?',
      );
    return Object.fromEntries(
      Object.entries(data).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
    );
  };

  return { name: 'vault', read: readKv };
}
