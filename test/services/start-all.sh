#!/usr/bin/env bash
# Start Kafka and PostgreSQL for tests/examples/benchmarks, in parallel (the
# cold Kafka start is dominated by a Maven download, Postgres by initdb or an
# apt install; neither waits for the other). Exits non-zero if either fails.
# Both scripts are idempotent, so this is safe to call before every test run.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

"$here/kafka.sh" start &
kafka_pid=$!
"$here/postgres.sh" start &
pg_pid=$!

rc=0
wait "$kafka_pid" || { echo "start-all.sh: kafka failed to start" >&2; rc=1; }
wait "$pg_pid" || { echo "start-all.sh: postgres failed to start" >&2; rc=1; }
exit "$rc"
