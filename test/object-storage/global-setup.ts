import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Starts the project's S3-compatible server (test/services/s3.sh; builds SeaweedFS once). */
export default function setup(): void {
  execFileSync('bash', [fileURLToPath(new URL('../services/s3.sh', import.meta.url)), 'start'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    // The first run builds SeaweedFS from the Go module proxy.
    timeout: 60 * 60_000,
  });
}
