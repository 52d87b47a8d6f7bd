#!/usr/bin/env bash
# Start/stop the Kinesis Data Streams API servers (from the project's npm dependencies: run
# `npm ci` first) on 127.0.0.1 for pipekit's tests:
#   - kinesalite on KINESIS_PORT: the one most tests use;
#   - kinesis-mock (npm `kinesis-local`) on KINESIS_MOCK_PORT: the one that refuses single records
#     of a PutRecords call (a record over the stream's MaxRecordSizeInKiB), for the sink's re-send.
#
#   test/services/kinesis.sh start    start both (no-op when running) and wait until they answer
#   test/services/kinesis.sh stop     stop both (bounded)
#   test/services/kinesis.sh status   exit 0 if both are running and answering
#   test/services/kinesis.sh url      print kinesalite's URL, http://127.0.0.1:4567
#   test/services/kinesis.sh mock-url print kinesis-mock's URL, http://127.0.0.1:4569
#   test/services/kinesis.sh reset    stop (streams live in memory: a restart forgets them)
#
# Environment:
#   PIPEKIT_CACHE      cache root (default $HOME/.cache/pipekit): pid and log in kinesis-data/<port>/
#   KINESIS_PORT       kinesalite's TCP port (default 4567)
#   KINESIS_MOCK_PORT  kinesis-mock's plain HTTP port (default KINESIS_PORT + 2); it also serves
#                      HTTPS on the next port
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${PIPEKIT_CACHE:-$HOME/.cache/pipekit}"
PORT="${KINESIS_PORT:-4567}"
MOCK_PORT="${KINESIS_MOCK_PORT:-$((PORT + 2))}"
START_TIMEOUT=60
STOP_TIMEOUT=15

log() { echo "kinesis.sh: $*" >&2; }

answering() { # port
  curl -s -m 2 -X POST "http://127.0.0.1:$1/" \
    -H 'Content-Type: application/x-amz-json-1.1' \
    -H 'X-Amz-Target: Kinesis_20131202.ListStreams' \
    -H 'X-Amz-Date: 20200101T000000Z' \
    -H 'Authorization: AWS4-HMAC-SHA256 Credential=test/20200101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=0' \
    -d '{}' | grep -q StreamNames
}

pidfile() { echo "$CACHE/kinesis-data/$1/server.pid"; }

running_pid() { # port
  local file pid
  file="$(pidfile "$1")"
  [[ -f "$file" ]] || return 1
  pid="$(cat "$file")"
  kill -0 "$pid" 2>/dev/null && echo "$pid"
}

installed() { # package
  node -e "require.resolve('$1')" 2>/dev/null || (cd "$here" && node -e "require.resolve('$1')" 2>/dev/null)
}

start_one() { # name port package dir command...
  local name="$1" port="$2" package="$3" dir="$4"
  shift 4
  if running_pid "$port" >/dev/null && answering "$port"; then return 0; fi
  local data="$CACHE/kinesis-data/$port"
  mkdir -p "$data"
  if ! installed "$package"; then
    log "$package is not installed: run npm ci at the repository root"
    exit 1
  fi
  log "starting $name on 127.0.0.1:$port"
  # exec: the pid file holds node's own pid, so stop signals the server itself.
  (cd "$here/$dir" && exec nohup "$@" >"$data/server.log" 2>&1) &
  echo $! >"$(pidfile "$port")"
  for ((i = 0; i < START_TIMEOUT * 10; i++)); do
    if answering "$port"; then
      log "$name ready on 127.0.0.1:$port (pid $(cat "$(pidfile "$port")"))"
      return 0
    fi
    sleep 0.1
  done
  log "$name did not answer within ${START_TIMEOUT}s; log $data/server.log:"
  tail -n 20 "$data/server.log" >&2 || true
  exit 1
}

stop_one() { # port
  local pid
  pid="$(running_pid "$1")" || { rm -f "$(pidfile "$1")"; return 0; }
  kill "$pid" 2>/dev/null || true
  for ((i = 0; i < STOP_TIMEOUT * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$(pidfile "$1")"; return 0; }
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$(pidfile "$1")"
}

start() {
  start_one kinesalite "$PORT" kinesalite kinesis node server.mjs "$PORT"
  start_one kinesis-mock "$MOCK_PORT" kinesis-local kinesis-mock \
    node server.cjs "$MOCK_PORT" "$((MOCK_PORT + 1))"
}

stop() {
  stop_one "$PORT"
  stop_one "$MOCK_PORT"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) running_pid "$PORT" >/dev/null && answering "$PORT" &&
    running_pid "$MOCK_PORT" >/dev/null && answering "$MOCK_PORT" ;;
  url) echo "http://127.0.0.1:$PORT" ;;
  mock-url) echo "http://127.0.0.1:$MOCK_PORT" ;;
  reset) stop ;;
  *)
    echo "usage: $0 start|stop|status|url|mock-url|reset" >&2
    exit 2
    ;;
esac
