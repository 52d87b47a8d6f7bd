#!/usr/bin/env bash
# Stop every test service (each stop is a no-op when already stopped).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

rc=0
"$here/kafka.sh" stop || rc=1
"$here/postgres.sh" stop || rc=1
"$here/spark.sh" stop || rc=1
"$here/kinesis.sh" stop || rc=1
"$here/vault.sh" stop || rc=1
"$here/s3.sh" stop || rc=1
exit "$rc"
