import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** Headless Chromium for the UI tests: Debian's package, installed when missing. */
export default function setup(): void {
  execFileSync(join(import.meta.dirname, '..', 'services', 'chromium.sh'), ['install'], {
    stdio: 'inherit',
    timeout: 600_000,
  });
}
