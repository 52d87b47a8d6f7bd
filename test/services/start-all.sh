#!/usr/bin/env bash
# Start Kafka, PostgreSQL, Spark Connect and the S3 server for tests/examples/benchmarks, in
# parallel (the cold Kafka start is dominated by a Maven download, Postgres by initdb or an
# apt install, Spark by the pyspark wheel, S3 by building SeaweedFS from the Go module proxy;
# none waits for another). Exits non-zero if one fails.
# The scripts are idempotent, so this is safe to call before every test run.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

"$here/kafka.sh" start &
kafka_pid=$!
"$here/postgres.sh" start &
pg_pid=$!
"$here/spark.sh" start &
spark_pid=$!
"$here/s3.sh" start &
s3_pid=$!

rc=0
wait "$kafka_pid" || { echo "start-all.sh: kafka failed to start" >&2; rc=1; }
wait "$pg_pid" || { echo "start-all.sh: postgres failed to start" >&2; rc=1; }
wait "$spark_pid" || { echo "start-all.sh: spark failed to start" >&2; rc=1; }
wait "$s3_pid" || { echo "start-all.sh: s3 failed to start" >&2; rc=1; }
exit "$rc"
