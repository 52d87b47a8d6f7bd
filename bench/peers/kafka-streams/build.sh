#!/usr/bin/env bash
# Build the Kafka Streams peer benchmark app (once per source change) into the cache and print its
# Java classpath. Used by bench/peers (`npm run bench -- peers`).
#
#   bench/peers/kafka-streams/build.sh    → prints <cache>/kafka-streams-bench/<hash>/classes:<lib>/*
#
# Environment: PIPEKIT_CACHE (default $HOME/.cache/pipekit).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${PIPEKIT_CACHE:-$HOME/.cache/pipekit}"
command -v mvn >/dev/null || { echo "build.sh: Maven is needed (apt-get install maven)" >&2; exit 1; }
# The build's identity: the pom and every source file.
HASH="$(cd "$HERE" && find pom.xml src -type f | sort | xargs sha256sum | sha256sum | cut -c1-16)"
OUT="$CACHE/kafka-streams-bench/$HASH"
if [[ ! -f "$OUT/done" ]]; then
  mkdir -p "$OUT"
  echo "build.sh: building the Kafka Streams bench app into $OUT" >&2
  mvn -q -B -f "$HERE/pom.xml" "-Dout.dir=$OUT/build" compile \
    dependency:copy-dependencies -DincludeScope=runtime "-DoutputDirectory=$OUT/lib" >&2
  touch "$OUT/done"
fi
echo "$OUT/build/classes:$OUT/lib/*"
