// The examples run against the real services of test/services, started as the packages' own
// suites start them (a no-op when they are running; bounded inside).
import startKafka from '../../packages/kafka/test/global-setup.ts';
import startPostgres from '../../packages/postgres/test/global-setup.ts';
import startSpark from '../../packages/spark/test/global-setup.ts';

export default function setup(): () => void {
  startKafka();
  startPostgres();
  return startSpark();
}
