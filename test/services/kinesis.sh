#!/usr/bin/env bash
# Start/stop a Kinesis Data Streams API server (kinesalite, from the project's npm
# dependencies: run `npm ci` first) on 127.0.0.1 for pipekit's tests.
#
#   test/services/kinesis.sh start    start (no-op when running) and wait until it answers
#   test/services/kinesis.sh stop     stop (bounded)
#   test/services/kinesis.sh status   exit 0 if running and answering
#   test/services/kinesis.sh url      print http://127.0.0.1:4567
#   test/services/kinesis.sh reset    stop (streams live in memory: a restart forgets them)
#
# Environment:
#   PIPEKIT_CACHE   cache root (default $HOME/.cache/pipekit): pid and log in kinesis-data/<port>/
#   KINESIS_PORT    TCP port (default 4567)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${PIPEKIT_CACHE:-$HOME/.cache/pipekit}"
PORT="${KINESIS_PORT:-4567}"
DIR="$CACHE/kinesis-data/$PORT"
PIDFILE="$DIR/server.pid"
LOG="$DIR/server.log"
START_TIMEOUT=30
STOP_TIMEOUT=15

log() { echo "kinesis.sh: $*" >&2; }

answering() {
  curl -s -m 2 -X POST "http://127.0.0.1:$PORT/" \
    -H 'Content-Type: application/x-amz-json-1.1' \
    -H 'X-Amz-Target: Kinesis_20131202.ListStreams' \
    -H 'X-Amz-Date: 20200101T000000Z' \
    -H 'Authorization: AWS4-HMAC-SHA256 Credential=test/20200101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=0' \
    -d '{}' | grep -q StreamNames
}

running_pid() {
  [[ -f "$PIDFILE" ]] || return 1
  local pid
  pid="$(cat "$PIDFILE")"
  kill -0 "$pid" 2>/dev/null && echo "$pid"
}

start() {
  if running_pid >/dev/null && answering; then return 0; fi
  mkdir -p "$DIR"
  if ! node -e "require.resolve('kinesalite')" 2>/dev/null &&
    ! (cd "$here" && node -e "require.resolve('kinesalite')" 2>/dev/null); then
    log "kinesalite is not installed: run npm ci at the repository root"
    exit 1
  fi
  log "starting kinesalite on 127.0.0.1:$PORT"
  # exec: the pid file holds node's own pid, so stop signals the server itself.
  (cd "$here/kinesis" && exec nohup node server.mjs "$PORT" >"$LOG" 2>&1) &
  echo $! >"$PIDFILE"
  for ((i = 0; i < START_TIMEOUT * 10; i++)); do
    if answering; then
      log "ready on 127.0.0.1:$PORT (pid $(cat "$PIDFILE"))"
      return 0
    fi
    sleep 0.1
  done
  log "did not answer within ${START_TIMEOUT}s; log $LOG:"
  tail -n 20 "$LOG" >&2 || true
  exit 1
}

stop() {
  local pid
  pid="$(running_pid)" || { rm -f "$PIDFILE"; return 0; }
  kill "$pid" 2>/dev/null || true
  for ((i = 0; i < STOP_TIMEOUT * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$PIDFILE"; return 0; }
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$PIDFILE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) running_pid >/dev/null && answering ;;
  url) echo "http://127.0.0.1:$PORT" ;;
  reset) stop ;;
  *)
    echo "usage: $0 start|stop|status|url|reset" >&2
    exit 2
    ;;
esac
