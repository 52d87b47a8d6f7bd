// A Kinesis Data Streams API server on 127.0.0.1 (kinesalite, in memory) for pipekit's tests.
// Started by test/services/kinesis.sh; args: port. Small create/update delays keep tests quick.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const kinesalite = require('kinesalite');
const port = Number(process.argv[2] ?? 4567);
const server = kinesalite({
  createStreamMs: 50,
  deleteStreamMs: 50,
  updateStreamMs: 50,
  shardLimit: 50,
});
server.listen(port, '127.0.0.1', (err) => {
  if (err) {
    console.error(err);
    process.exit(1);
  }
  console.log(`kinesalite listening on 127.0.0.1:${port}`);
});
for (const signal of ['SIGTERM', 'SIGINT'])
  process.on(signal, () => server.close(() => process.exit(0)));
