import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import startKafka from '../../kafka/test/global-setup.ts';

const script = fileURLToPath(new URL('../../../test/services/spark.sh', import.meta.url));

/**
 * Starts the local Spark Connect server (a no-op when it runs) and stops it after the tests when
 * this run started it; and the Kafka broker for the restart test. spark.sh bounds its own wait;
 * the first start installs pyspark and resolves the connector packages.
 */
export default function setup(): () => void {
  startKafka();
  const running = spawnSync('bash', [script, 'status']).status === 0;
  if (!running) {
    const started = Date.now();
    const r = spawnSync('bash', [script, 'start'], { encoding: 'utf8', timeout: 900_000 });
    if (r.status !== 0)
      throw new Error(
        `spark.sh start failed (${r.error?.message ?? `exit ${r.status}`}) after ${Date.now() - started} ms:\n${r.stdout}\n${r.stderr}`,
      );
  }
  return () => {
    if (!running && !process.env.PIPEKIT_KEEP_SERVICES)
      spawnSync('bash', [script, 'stop'], { timeout: 60_000 });
  };
}
