import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./python/setup-venv.sh', import.meta.url));

/** Install (once) the pinned `deltalake` + `pyarrow` venv the interop tests compare against. */
export default function setup(): void {
  const started = Date.now();
  const result = spawnSync('bash', [script], { encoding: 'utf8', timeout: 10 * 60_000 });
  if (result.status !== 0) {
    throw new Error(
      `python venv setup failed (${result.error?.message ?? `exit ${result.status}`}) after ` +
        `${Date.now() - started} ms:\n${result.stdout}\n${result.stderr}`,
    );
  }
  process.stdout.write(result.stdout);
}
