import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../../test/services/kafka.sh', import.meta.url));

/** Starts the real Kafka broker (a no-op when it is running); kafka.sh bounds its own wait. */
export default function setup(): void {
  const started = Date.now();
  const r = spawnSync('bash', [script, 'start'], { encoding: 'utf8', timeout: 180_000 });
  if (r.status !== 0)
    throw new Error(
      `kafka.sh start failed (${r.error?.message ?? `exit ${r.status}`}) after ${Date.now() - started} ms:\n${r.stdout}\n${r.stderr}`,
    );
}
