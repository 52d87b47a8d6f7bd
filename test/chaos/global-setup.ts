import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Starts Kafka and PostgreSQL for the chaos test (no-ops when they run; the scripts bound their waits). */
export default function setup(): void {
  for (const name of ['kafka', 'postgres'])
    execFileSync(
      'bash',
      [fileURLToPath(new URL(`../services/${name}.sh`, import.meta.url)), 'start'],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
        timeout: 180_000,
      },
    );
}
