import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../../test/services/postgres.sh', import.meta.url));

/** Starts the project's PostgreSQL if it is not running (idempotent; bounded by the script). */
export default function setup(): void {
  execFileSync('bash', [script, 'start'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    timeout: 180_000,
  });
}
