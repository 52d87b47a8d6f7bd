#!/usr/bin/env bash
# Start/stop an S3-compatible object store (SeaweedFS) on 127.0.0.1 for pipekit's object-storage
# tests, examples and benchmarks.
#
#   test/services/s3.sh start    build SeaweedFS once (see below), start, wait until S3 answers
#   test/services/s3.sh stop     stop (bounded)
#   test/services/s3.sh status   exit 0 if running and answering
#   test/services/s3.sh url      print http://127.0.0.1:8333 (the S3 endpoint)
#   test/services/s3.sh build    only build the binary
#   test/services/s3.sh reset    stop and delete the data
#
# SeaweedFS (Apache-2.0) is built from the Go module proxy into $PIPEKIT_CACHE/seaweedfs/ on first
# use (`weed mini`: master, volume server, filer and S3 gateway in one process). Its S3 gateway
# implements conditional writes (`If-None-Match: *` answers 412 when the key exists), which
# delta-rs's commits rely on. Test-only: one identity with a fixed test key (below), data under
# $PIPEKIT_CACHE/s3-data/<port>, telemetry, admin UI, WebDAV, Iceberg and Lance endpoints off.
#
# Credentials (test-only, like the Postgres test password): access key `pipekit`, secret key
# `pipekit-test-secret`; tests read them from env PIPEKIT_S3_ACCESS_KEY / PIPEKIT_S3_SECRET_KEY.
#
# Environment:
#   PIPEKIT_CACHE       cache root (default $HOME/.cache/pipekit)
#   S3_PORT             S3 port (default 8333); internal ports are S3_PORT-33 .. S3_PORT+56
#                       (master +0/+1, volume +40/+41, admin +50/+51, filer +88/+89 from
#                       S3_PORT-33; S3 gRPC S3_PORT+1), so 8333 uses 8300-8389
#   GO_BUILD_PARALLEL   compile jobs of the first build (default 2)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/go-module.sh
source "$here/lib/go-module.sh"
CACHE="${PIPEKIT_CACHE:-$HOME/.cache/pipekit}"
MODULE=github.com/seaweedfs/seaweedfs
VERSION=v0.0.0-20261109003541-7506e5f91cd6
BIN="$CACHE/seaweedfs/$VERSION/weed"
PORT="${S3_PORT:-8333}"
BASE=$((PORT - 33))
ACCESS_KEY=pipekit
SECRET_KEY=pipekit-test-secret
DIR="$CACHE/s3-data/$PORT"
PIDFILE="$DIR/server.pid"
LOG="$DIR/server.log"
START_TIMEOUT=90
STOP_TIMEOUT=20

log() { echo "s3.sh: $*" >&2; }

build() {
  [[ -x "$BIN" ]] && return 0
  mkdir -p "$(dirname "$BIN")"
  # One build at a time: a second caller (another test run) waits for the first one's binary.
  exec 9>"$(dirname "$BIN")/build.lock"
  flock -w 3600 9 || { log "another build holds the lock for an hour; giving up"; exit 1; }
  [[ -x "$BIN" ]] && return 0
  log "building SeaweedFS from the Go module proxy (once; several minutes)"
  go_module_build "$MODULE" "$VERSION" "$BIN" "" ./weed
}

# Any HTTP answer from the S3 port (an unsigned request gets 403): the gateway is up.
answering() {
  local code
  code="$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$PORT/" || true)"
  [[ "$code" != "000" ]]
}

running_pid() {
  [[ -f "$PIDFILE" ]] || return 1
  local pid
  pid="$(cat "$PIDFILE")"
  kill -0 "$pid" 2>/dev/null && echo "$pid"
}

write_config() {
  cat >"$DIR/s3.json" <<EOF
{
  "identities": [
    {
      "name": "pipekit",
      "credentials": [{ "accessKey": "$ACCESS_KEY", "secretKey": "$SECRET_KEY" }],
      "actions": ["Admin", "Read", "List", "Tagging", "Write"]
    }
  ]
}
EOF
}

start() {
  if running_pid >/dev/null && answering; then return 0; fi
  build
  mkdir -p "$DIR/data"
  write_config
  log "starting SeaweedFS S3 on 127.0.0.1:$PORT (internal ports $BASE-$((BASE + 89)))"
  (cd "$DIR" && exec nohup "$BIN" mini -dir="$DIR/data" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
    -master.port="$BASE" -master.port.grpc="$((BASE + 1))" -master.telemetry=false \
    -master.volumeSizeLimitMB=64 \
    -volume.port="$((BASE + 40))" -volume.port.grpc="$((BASE + 41))" -volume.max=0 \
    -filer.port="$((BASE + 88))" -filer.port.grpc="$((BASE + 89))" \
    -s3.port="$PORT" -s3.port.grpc="$((PORT + 1))" -s3.port.iceberg=0 -s3.port.lance=0 \
    -s3.config="$DIR/s3.json" -s3.iam=false \
    -webdav=false -admin.ui=false -admin.port="$((BASE + 50))" -admin.port.grpc="$((BASE + 51))" \
    -admin.port.legacy=0 >"$LOG" 2>&1) &
  echo $! >"$PIDFILE"
  for ((i = 0; i < START_TIMEOUT * 10; i++)); do
    if answering; then
      log "ready on 127.0.0.1:$PORT (pid $(cat "$PIDFILE"))"
      return 0
    fi
    running_pid >/dev/null || break
    sleep 0.1
  done
  log "did not answer within ${START_TIMEOUT}s; log $LOG:"
  tail -n 30 "$LOG" >&2 || true
  stop
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
  build) build ;;
  reset)
    stop
    rm -rf "$DIR"
    ;;
  *)
    echo "usage: $0 start|stop|status|url|build|reset" >&2
    exit 2
    ;;
esac
