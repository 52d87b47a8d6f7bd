import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../../test/services/kinesis.sh', import.meta.url));

/** Starts the Kinesis-API server (a no-op when it is running); kinesis.sh bounds its own wait. */
export default function setup(): void {
  const r = spawnSync('bash', [script, 'start'], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0)
    throw new Error(`kinesis.sh start failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
}
