// kinesis-mock (npm `kinesis-local`, a second Kinesis Data Streams API server) on 127.0.0.1 for
// pipekit's tests: the one that refuses single records of a PutRecords call (a record larger than
// the stream's MaxRecordSizeInKiB), which kinesalite never does. It binds 0.0.0.0 by itself, so
// every listen is pinned to loopback here before it loads. Args: plain HTTP port, TLS port.
const net = require('node:net');

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  const [first] = args;
  if (first !== null && typeof first === 'object' && !Array.isArray(first))
    return listen.call(this, { ...first, host: '127.0.0.1' }, ...args.slice(1));
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first)))
    return listen.call(
      this,
      Number(first),
      '127.0.0.1',
      ...args.slice(1).filter((a) => typeof a === 'function' || typeof a === 'number'),
    );
  return listen.apply(this, args);
};

process.env.KINESIS_MOCK_PLAIN_PORT = process.argv[2] ?? '4569';
process.env.KINESIS_MOCK_TLS_PORT = process.argv[3] ?? '4570';
// Its self-signed certificate file sits beside its main.js.
process.env.KINESIS_MOCK_CERT_PATH ??= require.resolve('kinesis-local/server.json');
// Quick stream creation and resharding, as kinesalite's settings in ../kinesis/server.mjs.
for (const v of ['CREATE_STREAM_DURATION', 'DELETE_STREAM_DURATION', 'UPDATE_SHARD_COUNT_DURATION'])
  process.env[v] ??= '50ms';
process.env.LOG_LEVEL ??= 'WARN';
require('kinesis-local/main.js');
