import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * The test Vault (test/services/vault.sh): started on first use (the first start builds Vault,
 * which takes minutes), seeded through its HTTP API. Tests import it from their package.
 */
const script = fileURLToPath(new URL('./vault.sh', import.meta.url));

export const vaultPort = Number(process.env.VAULT_PORT ?? 8200);
export const vaultAddr = `http://127.0.0.1:${vaultPort}`;
export const vaultToken = 'pipekit-dev-root';

/** Starts the dev server (a no-op when running); the script bounds its own waits. */
export function startVault(): void {
  execFileSync('bash', [script, 'start'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, VAULT_PORT: String(vaultPort) },
    timeout: 40 * 60_000,
  });
}

/** One Vault API call as root; the parsed JSON answer (or null for 204). */
export async function vault(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${vaultAddr}/v1/${path}`, {
    method,
    headers: { 'x-vault-token': vaultToken, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`vault ${method} ${path}: HTTP ${res.status} ${text}`);
  return text === '' ? null : JSON.parse(text);
}

/** Writes a KV v2 secret at `secret/<path>` (dev mode mounts KV v2 at `secret/`). */
export async function putSecret(path: string, data: Record<string, string>): Promise<void> {
  await vault('POST', `secret/data/${path}`, { data });
}

/**
 * An AppRole that may read `secret/data/<prefix>*`: its role id and a fresh secret id. Enables the
 * approle auth method on first use.
 */
export async function appRole(
  name: string,
  prefix: string,
): Promise<{ roleId: string; secretId: string }> {
  const auths = (await vault('GET', 'sys/auth')) as Record<string, unknown>;
  if (!('approle/' in auths)) await vault('POST', 'sys/auth/approle', { type: 'approle' });
  await vault('PUT', `sys/policies/acl/${name}`, {
    policy: `path "secret/data/${prefix}*" { capabilities = ["read"] }`,
  });
  await vault('POST', `auth/approle/role/${name}`, { token_policies: [name], token_ttl: '10m' });
  const role = (await vault('GET', `auth/approle/role/${name}/role-id`)) as {
    data: { role_id: string };
  };
  const sec = (await vault('POST', `auth/approle/role/${name}/secret-id`, {})) as {
    data: { secret_id: string };
  };
  return { roleId: role.data.role_id, secretId: sec.data.secret_id };
}
